/**
 * The end-of-run summary both `zekka demo` (from the database) and `zekka follow` (from the REST
 * API) print: status, the verification of the software, stages, agents, files, conflicts and how
 * they were settled, tokens, cost.
 */
import type { ProjectTotals } from '../../engine/project-finisher.js';
import { verificationSummaryLine, type VerificationOutcome } from './verification-lines.js';

/** The run's totals as the root job computes them, plus what the reader did with the files. */
export interface RunSummary extends Pick<ProjectTotals, 'agents' | 'conflicts' | 'tokens'> {
  status: string;
  reason: string | null;
  stagesCompleted: number;
  /** What became of the files, e.g. `87 files written to out/<id>/`. */
  files: string;
  costMicros: bigint;
  budgetMicros?: bigint;
  /** Prompt-cache use, when the models cached any of the prompt (from the cost ledger). */
  promptCache?: { readTokens: number; writeTokens: number; savingsMicros: bigint };
  /** The last verification round of the project; null when none ran. */
  verification: VerificationOutcome | null;
}

export function formatUsd(micros: bigint): string {
  return `$${(Number(micros) / 1_000_000).toFixed(4)}`;
}

export function formatSummary(summary: RunSummary): string {
  const settled = Object.entries(summary.conflicts.byStrategy)
    .map(([strategy, count]) => `${count} by ${strategy}`)
    .join(', ');
  const budget = summary.budgetMicros === undefined ? '' : ` of ${formatUsd(summary.budgetMicros)} budget`;
  return [
    '',
    `Status:     ${summary.status}${summary.reason ? ` (${summary.reason})` : ''}`,
    `Verified:   ${verificationSummaryLine(summary.verification)}`,
    `Stages:     ${summary.stagesCompleted}/10 completed`,
    `Agents:     ${summary.agents.completed} completed, ${summary.agents.failed} failed (${summary.agents.total} run)`,
    `Artifacts:  ${summary.files}`,
    `Conflicts:  ${summary.conflicts.total}${settled ? ` (${settled})` : ''}`,
    `Tokens:     ${summary.tokens.input} in, ${summary.tokens.output} out`,
    `Cost:       ${formatUsd(summary.costMicros)}${budget}`,
    ...cacheLine(summary.promptCache),
    '',
  ].join('\n');
}

function cacheLine(cache: RunSummary['promptCache']): string[] {
  if (!cache || (cache.readTokens === 0 && cache.writeTokens === 0)) return [];
  const saved = cache.savingsMicros >= 0n ? `saved ${formatUsd(cache.savingsMicros)}` : `cost ${formatUsd(-cache.savingsMicros)} more`;
  return [`Cache:      ${cache.readTokens} input tokens read from the prompt cache, ${cache.writeTokens} written; ${saved}`];
}

/** The summary of a run the engine's own totals describe (`zekka demo`). */
export function summaryFromTotals(input: {
  status: string;
  reason: string | null;
  totals: ProjectTotals;
  files: string;
  budgetMicros?: bigint;
  verification: VerificationOutcome | null;
}): RunSummary {
  const { totals } = input;
  return {
    status: input.status,
    reason: input.reason,
    stagesCompleted: totals.stages,
    agents: totals.agents,
    files: input.files,
    conflicts: totals.conflicts,
    tokens: totals.tokens,
    costMicros: BigInt(totals.costMicros),
    budgetMicros: input.budgetMicros,
    verification: input.verification,
  };
}
