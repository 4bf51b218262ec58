/**
 * What a person does when a project waits for them, on a Zekka API:
 *   `zekka conflicts <id>`   the project's conflicts, and how to answer the ones waiting for review;
 *   `zekka resolve <id> <conflictId> --take ours|theirs | --file <merged>`   answers one (an
 *                            arbitrator applies it at once and the stage goes on);
 *   `zekka budget <id> <usd>`   sets the budget; a budget-exhausted project then resumes with `zekka start`.
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { z } from 'zod';
import type { conflictDetailSchema, conflictListSchema } from '../../api/schemas/runs.js';
import { isBudgetConflict } from '../../engine/conflicts/budget-conflict-kind.js';
import { CliError, UsageError } from '../cli-error.js';
import { formatUsd } from '../progress/run-summary.js';
import { openRemote, type RemoteOptions } from '../remote/remote-context.js';
import { parseProjectId, projectCommand, projectPath, type ProjectView } from '../remote/remote-project.js';
import { parseBudgetUsd } from '../request-file.js';
import { formatTable } from '../remote/table.js';

type ConflictList = z.infer<typeof conflictListSchema>;
type ConflictDetail = z.infer<typeof conflictDetailSchema>;

const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** Why the arbitrator handed a conflict to a person (`details.reason`), when it said. */
function reasonOf(details: unknown): string | undefined {
  const reason = (details as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? reason : undefined;
}

async function conflicts(id: string, options: RemoteOptions & { json?: boolean }): Promise<void> {
  const remote = await openRemote(options);
  const { items } = await remote.client.json<ConflictList>('GET', projectPath(id, '/conflicts'));
  if (options.json) return out(JSON.stringify(items, null, 2));
  if (items.length === 0) return out('no conflicts');
  const rows = items.map((c) => [c.id, c.status, c.type, c.stage === null ? '-' : String(c.stage), c.strategy ?? '-', c.raisedBy, c.path ?? c.topic ?? '-']);
  out(formatTable(['ID', 'STATUS', 'TYPE', 'STAGE', 'SETTLED BY', 'RAISED BY', 'ON'], rows));
  for (const waiting of items.filter((c) => c.status === 'needs_review')) {
    out(`\n${waiting.id} waits for a person: ${reasonOf(waiting.details) ?? 'no automatic strategy settled it'}`);
    if (waiting.reviewUrl) out(`  review: ${waiting.reviewUrl}`);
    // Only money settles a budget conflict: it has no sides to take.
    if (isBudgetConflict(waiting)) out(`  answer: zekka budget ${id} <usd>, then zekka start ${id}`);
    else out(`  answer: zekka resolve ${id} ${waiting.id} --take ours|theirs   (or --file <the merged file>)`);
  }
}

async function resolve(id: string, conflictId: string, options: RemoteOptions & { take?: 'ours' | 'theirs'; file?: string }): Promise<void> {
  if ((options.take === undefined) === (options.file === undefined)) throw new UsageError('give exactly one answer: --take ours|theirs, or --file <the merged file>');
  const body = options.file === undefined ? { take: options.take } : { content: await readMerged(options.file) };
  const remote = await openRemote(options);
  const conflict = await remote.client.json<ConflictDetail>('POST', projectPath(id, `/conflicts/${conflictId}/resolve`), { body });
  out(`answered ${conflict.id} (${conflict.path ?? conflict.topic ?? conflict.type}): ${options.file === undefined ? `take ${options.take}` : `content of ${options.file}`}; an arbitrator applies it now`);
}

async function readMerged(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read the merged file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1, { cause: error });
  }
}

async function budget(id: string, usd: number, options: RemoteOptions): Promise<void> {
  const remote = await openRemote(options);
  const project = await remote.client.json<ProjectView>('PATCH', projectPath(id), { body: { budgetUsd: usd } });
  out(`budget of ${project.id} (${project.name}) is now ${formatUsd(BigInt(project.budget.micros))}; spent ${formatUsd(BigInt(project.spent.micros))}`);
  if (project.status === 'budget_exhausted') out(`it stopped when the budget ran out; resume it with: zekka start ${project.id} --follow`);
}

function parseConflictId(value: string): string {
  try {
    return parseProjectId(value);
  } catch {
    throw new InvalidArgumentError('not a conflict id (ids are UUIDs; zekka conflicts <project id> lists them)');
  }
}

export function registerRemoteConflictCommands(program: Command): void {
  projectCommand(program, 'conflicts', 'a project’s conflicts, and how to answer those waiting for a person').option('--json', 'print the API’s JSON').action(conflicts);
  projectCommand(program, 'resolve', 'answer a conflict waiting for a person: take a side, or supply the merged file')
    .argument('<conflictId>', 'the conflict id (zekka conflicts <id> lists them)', parseConflictId)
    .addOption(new Option('--take <side>', 'ours: the file as it is; theirs: the colliding edit').choices(['ours', 'theirs']))
    .option('--file <path>', 'a file holding the merged content')
    .action(resolve);
  projectCommand(program, 'budget', 'set a project’s budget (a budget-exhausted project then resumes with zekka start)')
    .argument('<usd>', 'the new budget in US dollars', parseBudgetUsd)
    .action(budget);
}
