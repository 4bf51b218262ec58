/**
 * A project as the remote commands see it through the REST API: its views (typed from the API's
 * own schemas), an id check before anything is sent, and the end-of-run summary.
 */
import type { z } from 'zod';
import type { ProjectDetailView, ProjectView } from '../../api/schemas/projects.js';
import type { artifactListSchema } from '../../api/schemas/artifacts.js';
import type { projectCostsSchema } from '../../api/schemas/costs.js';
import type { conflictListSchema } from '../../api/schemas/runs.js';
import type { projectVerificationSchema } from '../../api/schemas/verification.js';
import { InvalidArgumentError, type Command } from 'commander';
import type { RunSummary } from '../progress/run-summary.js';
import type { ApiClient } from './api-client.js';
import { withApiUrlOption } from './remote-context.js';

export type { ProjectDetailView, ProjectView };
export type ArtifactList = z.infer<typeof artifactListSchema>;
export type ProjectVerification = z.infer<typeof projectVerificationSchema>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Commander parser of a `<id>` argument. */
export function parseProjectId(value: string): string {
  if (!UUID.test(value)) throw new InvalidArgumentError('not a project id (ids are UUIDs; zekka status lists yours)');
  return value.toLowerCase();
}

export const projectPath = (id: string, rest = '') => `/api/projects/${id}${rest}`;

/** `zekka <name> <id> …`: a remote command about one project (its `--api-url` option included). */
export function projectCommand(program: Command, name: string, description: string): Command {
  return withApiUrlOption(program.command(name).description(description).argument('<id>', 'the project id', parseProjectId));
}

export const FOLLOW_OPTION_HELP = 'follow the progress until the project ends (exit code 0 only when it completed)';

export function getProject(client: ApiClient, id: string): Promise<ProjectDetailView> {
  return client.json<ProjectDetailView>('GET', projectPath(id));
}

export function getVerification(client: ApiClient, id: string): Promise<ProjectVerification> {
  return client.json<ProjectVerification>('GET', projectPath(id, '/verification'));
}

/** The summary of a run from what the API says about it once it has ended. */
export async function fetchRunSummary(client: ApiClient, id: string): Promise<RunSummary> {
  const [project, conflicts, costs, artifacts, verification] = await Promise.all([
    getProject(client, id),
    client.json<z.infer<typeof conflictListSchema>>('GET', projectPath(id, '/conflicts')),
    client.json<z.infer<typeof projectCostsSchema>>('GET', `/api/costs/${id}`),
    client.json<ArtifactList>('GET', projectPath(id, '/artifacts')),
    getVerification(client, id),
  ]);
  const byStrategy: Record<string, number> = {};
  for (const conflict of conflicts.items) {
    const strategy = conflict.strategy ?? 'unresolved';
    byStrategy[strategy] = (byStrategy[strategy] ?? 0) + 1;
  }
  const { progress } = project;
  return {
    status: project.status,
    reason: project.failureReason,
    stagesCompleted: progress.stagesCompleted,
    agents: { completed: progress.agentsCompleted, failed: progress.agentsFailed, total: progress.agentsTotal },
    files: `${artifacts.items.length} files (zekka artifacts ${id} --out <dir> writes them)`,
    conflicts: { total: conflicts.items.length, byStrategy },
    tokens: { input: costs.total.inputTokens, output: costs.total.outputTokens },
    costMicros: BigInt(project.spent.micros),
    budgetMicros: BigInt(project.budget.micros),
    promptCache: { readTokens: costs.total.cacheReadTokens, writeTokens: costs.total.cacheWriteTokens, savingsMicros: BigInt(costs.total.cacheSavingsMicros) },
    verification: verification.latest,
  };
}
