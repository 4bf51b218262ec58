/**
 * Renders project events for a person, wherever they come from (`zekka demo` reads Redis,
 * `zekka follow` the /ws stream): a line per stage start and end with agents done/total and the
 * spend against the budget, conflicts and failures as they happen, a line per verification and
 * repair round, and the end of the project.
 * On a terminal the running stage's progress bar updates in place; anywhere else (a pipe, a log
 * file) every line is plain and final — no ANSI redraw. Durations come from the events' own
 * timestamps, so a replayed history shows the times it really took.
 */
import type { ProjectEvent } from '../../engine/events/event-schema.js';
import { getStage } from '../../agents/stages.js';
import { formatUsd } from './run-summary.js';
import { repairStartedLine, verificationFailure, verificationFinishedLine } from './verification-lines.js';

interface StageProgress {
  total: number;
  done: number;
  failed: number;
  startedAt: number;
}

const BAR_WIDTH = 20;

export class ProgressDisplay {
  private readonly stages = new Map<number, StageProgress>();
  private readonly tty: boolean;
  private liveLine = false;
  private spentMicros = 0n;
  private budgetMicros: bigint | undefined;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    name: string,
    projectId: string,
    budgetMicros?: bigint,
  ) {
    this.tty = out.isTTY === true;
    this.budgetMicros = budgetMicros;
    this.line(`Zekka: ${name}\nproject ${projectId}`);
  }

  onEvent(event: ProjectEvent): void {
    const data = event.data;
    const stage = typeof data.stage === 'number' ? data.stage : 0;
    this.trackSpend(data);
    switch (event.type) {
      case 'stage.started': {
        const total = Number(data.agents ?? 0);
        this.stages.set(stage, { total, done: total - Number(data.toRun ?? total), failed: 0, startedAt: Date.parse(event.at) });
        if (this.tty) this.live(stage);
        else this.line(`▸ ${this.stageLabel(stage)}  ${total} agents`);
        break;
      }
      case 'agent.completed':
      case 'agent.failed': {
        const progress = this.stages.get(stage);
        if (progress) {
          progress.done++;
          if (event.type === 'agent.failed') progress.failed++;
        }
        if (event.type === 'agent.failed') this.line(`    ✖ ${String(data.instanceKey)} failed: ${String(data.error)}`);
        else this.live(stage);
        break;
      }
      case 'agent.retrying':
        this.line(`    ↻ ${String(data.instanceKey)} retrying after attempt ${String(data.attempt)}: ${String(data.error)}`);
        break;
      case 'agent.model_switched':
        this.line(`    ⇣ ${String(data.instanceKey)} switched from ${String(data.from)} to ${String(data.to)} (${String(data.reason)})`);
        break;
      case 'stage.completed':
      case 'stage.failed':
        this.stageEnded(event, stage);
        break;
      case 'conflict.detected':
        this.line(`    ⚠ conflict on ${String(data.path)} (edit by ${String(data.raisedBy)})`);
        break;
      case 'conflict.resolved':
        this.line(`    ✔ ${String(data.path)} settled by ${String(data.strategy)}`);
        break;
      case 'cost.updated':
        this.liveAny();
        break;
      case 'verification.started':
        this.line(`▸ Verification round ${String(data.round)}  running the software's install, build and tests in the sandbox`);
        break;
      case 'verification.finished':
        this.line(verificationFinishedLine(data));
        break;
      case 'repair.started':
        this.line(repairStartedLine(data));
        break;
      default:
        this.projectLine(event);
    }
  }

  finish(): void {
    if (this.liveLine) this.out.write('\n');
    this.liveLine = false;
  }

  private projectLine(event: ProjectEvent): void {
    const reason = typeof event.data.reason === 'string' ? event.data.reason : '';
    const lines: Partial<Record<ProjectEvent['type'], string>> = {
      'project.started': `▶ run ${String(event.data.runId)} started from stage ${String(event.data.fromStage)}`,
      'project.needs_review': `⏸ needs review: ${reason}`,
      'project.awaiting_plan_review': '⏸ the plan awaits review (zekka plan show / edit), then zekka start',
      'project.failed': `✖ project failed: ${reason}`,
      'project.budget_exhausted': `✖ budget exhausted: ${reason}`,
      'project.cancelled': '✖ project cancelled',
      'project.verification_failed': `✖ the software did not pass its checks${verificationFailure(event.data)}  ${this.spend()}`,
      'project.completed': `✔ project completed  ${this.spend()}`,
    };
    const text = lines[event.type];
    if (text) this.line(text);
  }

  private stageEnded(event: ProjectEvent, stage: number): void {
    const progress = this.stages.get(stage);
    const seconds = progress ? ((Date.parse(event.at) - progress.startedAt) / 1000).toFixed(1) : '?';
    const mark = event.type === 'stage.completed' ? '✔' : '✖';
    const counts = progress ? `${progress.done - progress.failed}/${progress.total} agents` : '';
    const conflicts = Number(event.data.conflicts ?? 0) > 0 ? `, ${String(event.data.conflicts)} conflicts settled` : '';
    const reason = event.type === 'stage.failed' ? `\n    ${String(event.data.reason)}` : '';
    this.stages.delete(stage);
    this.line(`${mark} ${this.stageLabel(stage)}  ${counts}${conflicts}  ${seconds}s  ${this.spend()}${reason}`);
  }

  /** cost.updated and budget events carry the project's spend and budget (micro-dollars as strings). */
  private trackSpend(data: Record<string, unknown>): void {
    const spent = toMicros(data.spentMicros);
    const budget = toMicros(data.budgetMicros);
    if (spent !== undefined && spent > this.spentMicros) this.spentMicros = spent;
    if (budget !== undefined) this.budgetMicros = budget;
  }

  private spend(): string {
    return this.budgetMicros === undefined ? formatUsd(this.spentMicros) : `${formatUsd(this.spentMicros)} of ${formatUsd(this.budgetMicros)}`;
  }

  private stageLabel(stage: number): string {
    return `Stage ${String(stage).padStart(2)}/10 ${getStage(stage).name.padEnd(22)}`;
  }

  /** Redraws the bar of the stage still running (after a spend update, say). */
  private liveAny(): void {
    const running = [...this.stages.keys()].at(-1);
    if (running !== undefined) this.live(running);
  }

  private live(stage: number): void {
    if (!this.tty) return;
    const progress = this.stages.get(stage);
    if (!progress) return;
    const filled = progress.total === 0 ? BAR_WIDTH : Math.min(BAR_WIDTH, Math.round((progress.done / progress.total) * BAR_WIDTH));
    this.out.write(`\r\x1b[2K… ${this.stageLabel(stage)}  [${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${progress.done}/${progress.total} agents  ${this.spend()}`);
    this.liveLine = true;
  }

  private line(text: string): void {
    if (this.liveLine) this.out.write('\r\x1b[2K');
    this.liveLine = false;
    this.out.write(`${text}\n`);
    // Keep the bar of a stage still running visible under the line just printed.
    if (this.tty) this.liveAny();
  }
}

function toMicros(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}
