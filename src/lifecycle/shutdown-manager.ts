/**
 * One place for graceful shutdown. Handlers are named and run in the order they were
 * registered (register in start-up order: HTTP, Socket.IO, workers, queue handles, Prisma, Redis —
 * the manager runs them in that order). The whole sequence has a deadline; a second signal
 * forces exit. Only the process entry point decides to exit: `onExit` is injected.
 */
import type { Logger } from '../logging/logger.js';

export type ShutdownHandler = () => Promise<void> | void;

export interface ShutdownManagerOptions {
  logger: Logger;
  deadlineMs?: number;
  /** Called with the exit code once shutdown is over (or forced). */
  onExit?: (code: number) => void;
}

export class ShutdownManager {
  private readonly handlers: { name: string; run: ShutdownHandler }[] = [];
  private running: Promise<void> | undefined;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly options: ShutdownManagerOptions) {}

  register(name: string, run: ShutdownHandler): void {
    this.handlers.push({ name, run });
  }

  /** Installs SIGTERM/SIGINT listeners; the first starts shutdown, the second forces exit. */
  listen(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      const listener = () => {
        if (this.running) {
          this.options.logger.warn('second signal: forcing exit', { signal });
          this.options.onExit?.(130);
          return;
        }
        this.options.logger.info('shutting down', { signal });
        this.shutdown().then(
          () => this.options.onExit?.(0),
          () => this.options.onExit?.(1),
        );
      };
      this.listeners.set(signal, listener);
      process.on(signal, listener);
    }
  }

  /** Runs every handler once, in order; resolves when done or when the deadline passes. */
  shutdown(): Promise<void> {
    this.running ??= this.runAll();
    return this.running;
  }

  private async runAll(): Promise<void> {
    const deadlineMs = this.options.deadlineMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), deadlineMs);
      timer.unref();
    });
    let failed = false;
    const sequence = (async () => {
      for (const handler of this.handlers) {
        try {
          await handler.run();
          this.options.logger.debug('shutdown step done', { step: handler.name });
        } catch (error) {
          failed = true;
          this.options.logger.error('shutdown step failed', { step: handler.name, error: String(error) });
        }
      }
    })();
    const outcome = await Promise.race([sequence.then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    for (const [signal, listener] of this.listeners) process.off(signal, listener);
    if (outcome === 'deadline') {
      this.options.logger.error('shutdown deadline passed', { deadlineMs });
      throw new Error(`shutdown did not finish within ${deadlineMs} ms`);
    }
    if (failed) throw new Error('one or more shutdown steps failed');
  }
}
