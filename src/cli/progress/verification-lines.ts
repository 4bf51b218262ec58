/**
 * What a person reads about the verification of a run: a line per verify round (the profile, each
 * command passed or failed with its test counts, the repairs it added), one per repair round, and
 * the result in the end-of-run summary. Shared by the live display and the summary, so `zekka demo`
 * and `zekka follow` say the same thing.
 */

interface CommandResult {
  label?: unknown;
  passed?: unknown;
  skipped?: unknown;
  tests?: unknown;
}

/** The verification a summary reports: the last round of the run. */
export interface VerificationOutcome {
  status: string;
  profile: string | null;
  summary: string;
  round: number;
}

function testCounts(tests: unknown): string {
  if (!tests || typeof tests !== 'object') return '';
  const { passed, failed, skipped } = tests as Record<string, unknown>;
  const parts = [`${Number(passed ?? 0)} passed`];
  if (Number(failed ?? 0) > 0) parts.push(`${Number(failed)} failed`);
  if (Number(skipped ?? 0) > 0) parts.push(`${Number(skipped)} skipped`);
  return ` (${parts.join(', ')})`;
}

function commandResult(command: CommandResult): string {
  const mark = command.skipped === true ? '–' : command.passed === true ? '✔' : '✖';
  return `${String(command.label)} ${mark}${testCounts(command.tests)}`;
}

const MARKS: Record<string, string> = { passed: '✔', failed: '✖', unverifiable: '?' };

/** `verification.finished`: the round's result on one line, then its summary. */
export function verificationFinishedLine(data: Record<string, unknown>): string {
  const status = String(data.status);
  const profile = typeof data.profile === 'string' ? data.profile : 'no profile';
  const commands = Array.isArray(data.commands) ? (data.commands as CommandResult[]).map(commandResult).join(' · ') : '';
  const repairs = Number(data.repairs ?? 0);
  const added = repairs > 0 ? `  → ${repairs} repair agent${repairs === 1 ? '' : 's'}` : '';
  return `${MARKS[status] ?? '?'} Verification round ${String(data.round)}  ${profile}  ${status}${commands ? `  ${commands}` : ''}${added}\n    ${String(data.summary)}`;
}

/** `repair.started`: who repairs which files. */
export function repairStartedLine(data: Record<string, unknown>): string {
  const agents = Array.isArray(data.agents) ? (data.agents as { instanceKey?: unknown; files?: unknown }[]) : [];
  const who = agents.map((agent) => `${String(agent.instanceKey)}${Array.isArray(agent.files) ? ` (${agent.files.map(String).join(', ')})` : ''}`).join(', ');
  return `↻ Repair round ${String(data.round)}: ${agents.length} agent${agents.length === 1 ? '' : 's'}${who ? `: ${who}` : ''}`;
}

/** The end event carries the last round (`verification: {status, summary, round}`): ` after round 1: tests failed …`. */
export function verificationFailure(data: Record<string, unknown>): string {
  const last = data.verification;
  if (!last || typeof last !== 'object') return '';
  const { round, summary } = last as Record<string, unknown>;
  return ` after round ${String(round)}: ${String(summary)}`;
}

/** The summary's line: `failed (node-typescript, round 1): tests failed …`, or that nothing was verified. */
export function verificationSummaryLine(outcome: VerificationOutcome | null): string {
  if (!outcome) return 'not run';
  return `${outcome.status} (${outcome.profile ?? 'no profile'}, round ${outcome.round}): ${outcome.summary}`;
}
