/**
 * Renders project events for a person: a line per stage start and end with agents done/total,
 * conflicts as they happen, and a summary. On a terminal the current stage's line updates in place.
 */
import type { ProjectEvent } from '../../engine/events/event-schema.js';
import type { ProjectTotals } from '../../engine/project-finisher.js';
import { getStage } from '../../agents/stages.js';

interface StageProgress {
  total: number;
  done: number;
  failed: number;
  startedAt: number;
}

export class ProgressDisplay {
  private readonly stages = new Map<number, StageProgress>();
  private readonly tty: boolean;
  private liveLine = false;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    name: string,
    projectId: string,
  ) {
    this.tty = out.isTTY === true;
    this.line(`Zekka: ${name}\nproject ${projectId}\n`);
  }

  onEvent(event: ProjectEvent): void {
    const data = event.data;
    const stage = typeof data.stage === 'number' ? data.stage : 0;
    switch (event.type) {
      case 'stage.started':
        this.stages.set(stage, { total: Number(data.agents ?? 0), done: Number(data.agents ?? 0) - Number(data.toRun ?? data.agents ?? 0), failed: 0, startedAt: Date.now() });
        this.live(stage);
        break;
      case 'agent.completed':
      case 'agent.failed': {
        const progress = this.stages.get(stage);
        if (progress) {
          progress.done++;
          if (event.type === 'agent.failed') progress.failed++;
          this.live(stage);
        }
        if (event.type === 'agent.failed') this.line(`    ✖ ${String(data.instanceKey)} failed: ${String(data.error)}`);
        break;
      }
      case 'stage.completed':
      case 'stage.failed': {
        const progress = this.stages.get(stage);
        const seconds = progress ? ((Date.now() - progress.startedAt) / 1000).toFixed(1) : '?';
        const mark = event.type === 'stage.completed' ? '✔' : '✖';
        const counts = progress ? `${progress.done - progress.failed}/${progress.total} agents` : '';
        const conflicts = Number(data.conflicts ?? 0) > 0 ? `, ${String(data.conflicts)} conflicts settled` : '';
        this.line(`${mark} ${this.stageLabel(stage)}  ${counts}${conflicts}  ${seconds}s${event.type === 'stage.failed' ? `\n    ${String(data.reason)}` : ''}`);
        break;
      }
      case 'conflict.detected':
        this.line(`    ⚠ conflict on ${String(data.path)} (edit by ${String(data.raisedBy)})`);
        break;
      case 'conflict.resolved':
        this.line(`    ✔ ${String(data.path)} settled by ${String(data.strategy)}`);
        break;
      case 'project.needs_review':
        this.line(`⏸ needs review: ${String(data.reason)}`);
        break;
      case 'project.failed':
        this.line(`✖ project failed: ${String(data.reason)}`);
        break;
      case 'project.completed':
        this.line('✔ project completed');
        break;
      default:
        break;
    }
  }

  finish(): void {
    if (this.liveLine) this.out.write('\n');
    this.liveLine = false;
  }

  static summary(input: { status: string; reason: string | null; totals: ProjectTotals; outDir: string; files: number }): string {
    const { totals } = input;
    const settled = Object.entries(totals.conflicts.byStrategy)
      .map(([strategy, count]) => `${count} by ${strategy}`)
      .join(', ');
    const dollars = (Number(totals.costMicros) / 1_000_000).toFixed(4);
    return [
      '',
      `Status:     ${input.status}${input.reason ? ` (${input.reason})` : ''}`,
      `Stages:     ${totals.stages}/10 completed`,
      `Agents:     ${totals.agents.completed} completed, ${totals.agents.failed} failed (${totals.agents.total} run)`,
      `Artifacts:  ${input.files} files written to ${input.outDir}/`,
      `Conflicts:  ${totals.conflicts.total}${settled ? ` (${settled})` : ''}`,
      `Tokens:     ${totals.tokens.input} in, ${totals.tokens.output} out`,
      `Cost:       $${dollars}`,
      '',
    ].join('\n');
  }

  private stageLabel(stage: number): string {
    return `Stage ${String(stage).padStart(2)}/10 ${getStage(stage).name.padEnd(22)}`;
  }

  private live(stage: number): void {
    if (!this.tty) return;
    const progress = this.stages.get(stage);
    if (!progress) return;
    const width = 20;
    const filled = progress.total === 0 ? width : Math.round((progress.done / progress.total) * width);
    this.out.write(`\r\x1b[2K… ${this.stageLabel(stage)}  [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${progress.done}/${progress.total} agents`);
    this.liveLine = true;
  }

  private line(text: string): void {
    if (this.liveLine) this.out.write('\r\x1b[2K');
    this.liveLine = false;
    this.out.write(`${text}\n`);
  }
}
