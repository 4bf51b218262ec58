/**
 * Queue handles for producers: one BullMQ Queue per catalogue entry (created on first use) and
 * one FlowProducer, all on the configured prefix, sharing one connection.
 *
 * Each handle gets an `error` listener: BullMQ emits 'error' on a Queue or FlowProducer, and one
 * with no listener is printed by BullMQ as Node's "Unhandled error" on stderr.
 */
import { FlowProducer, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import { isConnectionError } from '../src/redis/connection.js';
import { QUEUES, queueDefinition } from './job-catalog.js';

export class QueueRegistry {
  private readonly queues = new Map<string, Queue>();
  readonly flows: FlowProducer;

  constructor(
    /** The producers' connection (also read by src/engine/fair-share.ts for the queues' heads). */
    readonly connection: Redis,
    readonly prefix: string,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {
    this.flows = new FlowProducer({ connection, prefix });
    this.flows.on('error', (error) => this.onError('flow producer', error));
  }

  /** Connection failures are the shared connection's to report (once per outage); anything else is logged here. */
  private onError(handle: string, error: Error): void {
    if (isConnectionError(error)) return;
    this.logger.warn('queue handle error', { handle, error: error.message });
  }

  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const definition = queueDefinition(name);
      // The queue's event stream is capped well below BullMQ's default (10,000 per queue, ×68 queues):
      // it serves live QueueEvents listeners, not history.
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: definition.jobOptions, streams: { events: { maxLen: 100 } } });
      queue.on('error', (error) => this.onError(`queue ${name}`, error));
      this.queues.set(name, queue);
    }
    return queue;
  }

  all(): Queue[] {
    return QUEUES.map((q) => this.get(q.name));
  }

  /** The Redis key of a job, as BullMQ stores it in a parent reference. */
  jobKey(queueName: string, jobId: string): string {
    return `${this.prefix}:${queueName}:${jobId}`;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    await this.flows.close();
  }
}
