/**
 * From a failed verification to repair tasks: the workspace files the failing command's output
 * names (stack traces, compiler errors, test file names), each traced to the agent instance that
 * wrote its current version, grouped by that instance. A dependency the registry does not have is
 * blamed on the manifest that declares it. Files written by Zekka itself or an arbitrator have no
 * role to repair them and are left out.
 */
import type { VerificationReport } from './verify-workspace.js';

export interface RepairTask {
  /** The instance that wrote the files (its role repairs them). */
  author: string;
  files: string[];
  /** What failed, for the repairing agent's prompt. */
  failure: string;
}

const MAX_FAILURE_CHARS = 6_000;

/** Workspace paths that appear in `text`, found by scanning for each known path (linear in text × paths). */
export function mentionedPaths(text: string, paths: readonly string[]): string[] {
  return paths.filter((path) => text.includes(path));
}

/** The failing command's label and output (and missing dependencies), trimmed for a prompt. */
export function failureText(report: VerificationReport): string {
  const failed = report.commands.find((command) => !command.passed && !command.skipped);
  const lines = [report.summary];
  for (const missing of report.missingDependencies) lines.push(`${missing.manifest}: ${missing.name}@${missing.spec}: ${missing.reason}`);
  if (failed) lines.push(`$ ${failed.label} (exit ${failed.exitCode ?? 'none'}${failed.limit ? `, ${failed.limit} limit` : ''})`, failed.outputTail);
  const text = lines.join('\n');
  return text.length > MAX_FAILURE_CHARS ? text.slice(text.length - MAX_FAILURE_CHARS) : text;
}

export function planRepairTasks(report: VerificationReport, workspacePaths: readonly string[], authors: ReadonlyMap<string, string>): RepairTask[] {
  const failure = failureText(report);
  const blamed = new Set(mentionedPaths(failure, workspacePaths));
  for (const missing of report.missingDependencies) blamed.add(missing.manifest);
  const byAuthor = new Map<string, string[]>();
  for (const path of [...blamed].sort()) {
    const author = authors.get(path);
    if (!author || author === 'zekka' || author.startsWith('arbitrator') || author.startsWith('zekka:')) continue;
    byAuthor.set(author, [...(byAuthor.get(author) ?? []), path]);
  }
  return [...byAuthor.entries()].map(([author, files]) => ({ author, files, failure }));
}
