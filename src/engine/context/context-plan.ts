/**
 * What one agent sees: the map of the whole workspace (every path and what it holds) and, in full,
 * the files most relevant to its task, ranked —
 *   1. the files it repairs;
 *   2. the settled records (decisions and clarifications every agent must honour);
 *   3. the files it will edit (existing files its write paths match): a file it rewrites unseen is
 *      clobbered;
 *   4. what those import (relative imports, resolved against the workspace): the code they call;
 *   5. files changed since its last run (a repair's instance: what others wrote since);
 *   6. its role's inputs (the paths it reads), in path order
 * — while they fit the call's token budget (./context-budget.ts). A file too big for what is left is
 * passed over, not the end of the list.
 *
 * A reviewing role (`reviews` in the catalogue) judges every file it reads: when they do not fit one
 * call they are split into batches, one call each, every batch carrying the pinned files (repairs,
 * settled records) too; a file bigger than a whole batch is cut to fit, and says so.
 */
import { importedPaths } from '../../verification/repair-plan.js';
import { SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../../agents/structured-records.js';
import type { ContextFile, MapEntry } from '../../agents/agent-task.js';
import type { StageSnapshot } from '../workspace/stage-snapshot-cache.js';
import { isAllowedPath } from '../workspace/workspace-paths.js';
import type { FileFactsCache } from './file-facts.js';
import type { TokenCounter } from './token-counter.js';

const SETTLED_RECORDS = new Set([SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH]);

export interface ContextPlanInput {
  projectId: string;
  snapshot: StageSnapshot;
  /** Globs of the files the role reads (its inputs). */
  reads: readonly string[];
  /** Globs of the paths it may write (existing matches are files it will edit). */
  writes: readonly string[];
  repairing: readonly string[];
  /** Paths changed since this instance's last run. */
  changed?: ReadonlySet<string>;
  /** A reviewing role: every file it reads is shown, in several batches when needed. */
  reviews: boolean;
  /** Tokens one call may spend on file contents (after the system prompt, the frame and the answer). */
  budgetTokens: number;
  counter: TokenCounter;
  facts: FileFactsCache;
}

export interface ContextPlan {
  map: MapEntry[];
  /** The files of each call: one batch, or several for a reviewing role whose files do not fit one. */
  batches: ContextFile[][];
  /** Paths the role reads that no batch shows (non-reviewing roles, when the budget ran out). */
  left: string[];
}

/** Tokens the heading and fences around one file take in the prompt (src/agents/prompt.ts). */
export function fileOverheadTokens(path: string): number {
  return 16 + Math.ceil(path.length / 3);
}

/** Every file of the snapshot with its one-line summary, in path order. */
export function workspaceMap(input: Pick<ContextPlanInput, 'projectId' | 'snapshot' | 'counter' | 'facts'>): MapEntry[] {
  return input.snapshot.versions.map((file) => ({
    path: file.path,
    summary: input.facts.get({ projectId: input.projectId, path: file.path, version: file.version }, input.snapshot.contents.get(file.path) ?? '', input.counter).summary,
  }));
}

export function planContext(input: ContextPlanInput): ContextPlan {
  const { snapshot, counter, facts } = input;
  const versionOf = new Map(snapshot.versions.map((file) => [file.path, file.version]));
  const contentOf = (path: string): string => snapshot.contents.get(path) ?? '';
  const factsOf = (path: string) => facts.get({ projectId: input.projectId, path, version: versionOf.get(path) ?? 0 }, contentOf(path), counter);
  const map = workspaceMap(input);

  const ranked = rank(input, versionOf, contentOf);
  const pinned = new Set([...input.repairing, ...ranked.filter((path) => SETTLED_RECORDS.has(path))]);
  const cost = (path: string): number => factsOf(path).tokens + fileOverheadTokens(path);
  const file = (path: string, content = contentOf(path)): ContextFile => ({ path, version: versionOf.get(path) ?? 0, content });

  if (!input.reviews) {
    const batch: ContextFile[] = [];
    const left: string[] = [];
    let budget = input.budgetTokens;
    for (const path of ranked) {
      if (cost(path) > budget) {
        left.push(path);
        continue;
      }
      budget -= cost(path);
      batch.push(file(path));
    }
    return { map, batches: [batch], left };
  }

  // Reviewing: the pinned files go in every batch (as many as fit half the budget), the judged ones across batches.
  const pinnedFiles: ContextFile[] = [];
  let pinnedTokens = 0;
  for (const path of ranked.filter((candidate) => pinned.has(candidate))) {
    if (pinnedTokens + cost(path) > input.budgetTokens / 2) continue;
    pinnedTokens += cost(path);
    pinnedFiles.push(file(path));
  }
  const room = input.budgetTokens - pinnedTokens;
  const batches: ContextFile[][] = [];
  let current: ContextFile[] = [];
  let used = 0;
  for (const path of ranked.filter((candidate) => !pinned.has(candidate))) {
    let entry = file(path);
    let tokens = cost(path);
    if (tokens > room) {
      // Bigger than a whole call: its beginning, cut to fit, alone in its batch.
      const note = `\n… [cut: the first part of a ${factsOf(path).tokens}-token file; the rest did not fit one call]`;
      entry = file(path, counter.truncate(contentOf(path), room - fileOverheadTokens(path) - counter.count(note)) + note);
      tokens = room;
    }
    if (used + tokens > room && current.length > 0) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(entry);
    used += tokens;
  }
  if (current.length > 0 || batches.length === 0) batches.push(current);
  return { map, batches: batches.map((batch) => [...pinnedFiles, ...batch]), left: [] };
}

/** The paths worth showing, most relevant first, each once. */
function rank(input: ContextPlanInput, versionOf: ReadonlyMap<string, number>, contentOf: (path: string) => string): string[] {
  const exists = (path: string): boolean => versionOf.has(path);
  const paths = [...versionOf.keys()];
  const readable = paths.filter((path) => isAllowedPath(path, input.reads));
  const editing = paths.filter((path) => isAllowedPath(path, input.writes));
  const known = new Set(paths);
  const imported = [...input.repairing, ...editing].filter(exists).flatMap((path) => importedPaths(contentOf(path), path, known));
  const changed = paths.filter((path) => input.changed?.has(path) && (isAllowedPath(path, input.reads) || isAllowedPath(path, input.writes)));
  const ordered = [
    ...input.repairing.filter(exists),
    ...readable.filter((path) => SETTLED_RECORDS.has(path)),
    ...editing,
    ...imported,
    ...changed,
    ...readable,
  ];
  return [...new Set(ordered)];
}
