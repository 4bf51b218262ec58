/**
 * The plan of a project on a Zekka API (docs/plan.json: what the later stages are chosen from):
 *   `zekka plan show <id>`          prints it as JSON (`{version, editable, plan}`), ready to edit;
 *   `zekka plan edit <id> <file>`   saves an edited plan: the file `show` printed (its version guards
 *                                   against saving over a newer plan) or a bare plan.
 * A project submitted with the option `reviewPlan` stops after the Requirements stage
 * (awaiting_plan_review) for this; `zekka start <id>` then continues with the plan as saved.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { projectPlanSchema } from '../../api/schemas/plan.js';
import { UsageError } from '../cli-error.js';
import { openRemote, withApiUrlOption, type RemoteOptions } from '../remote/remote-context.js';
import { parseProjectId, projectPath } from '../remote/remote-project.js';

type ProjectPlan = z.infer<typeof projectPlanSchema>;

const out = (text: string): void => void process.stdout.write(`${text}\n`);

async function show(id: string, options: RemoteOptions): Promise<void> {
  const remote = await openRemote(options);
  out(JSON.stringify(await remote.client.json<ProjectPlan>('GET', projectPath(id, '/plan')), null, 2));
}

/** The plan and the version it was edited from: the output of `show`, or a bare plan. */
async function readPlanFile(file: string): Promise<{ plan: unknown; baseVersion?: number }> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file}: expected a JSON object (a plan, or what zekka plan show prints)`);
  const shown = value as { plan?: unknown; version?: unknown };
  if (shown.plan === undefined) return { plan: value };
  return { plan: shown.plan, ...(typeof shown.version === 'number' ? { baseVersion: shown.version } : {}) };
}

async function edit(id: string, file: string, options: RemoteOptions): Promise<void> {
  const { plan, baseVersion } = await readPlanFile(file);
  const remote = await openRemote(options);
  const saved = await remote.client.json<ProjectPlan>('PUT', projectPath(id, '/plan'), { body: plan, query: { baseVersion } });
  out(`saved the plan of ${id} (version ${saved.version}): ${saved.plan.entities.length} entities, ${saved.plan.pages.length} pages; continue with: zekka start ${id}`);
}

export function registerRemotePlanCommands(program: Command): void {
  const plan = program.command('plan').description('read and edit the plan the later stages are chosen from (docs/plan.json)');
  withApiUrlOption(plan.command('show').description('print the plan as JSON, with its version and whether it may be edited now').argument('<id>', 'the project id', parseProjectId)).action(show);
  withApiUrlOption(
    plan
      .command('edit')
      .description('save an edited plan (the JSON zekka plan show printed, or a bare plan); allowed while the project awaits plan review or is stopped before Architecture')
      .argument('<id>', 'the project id', parseProjectId)
      .argument('<file>', 'the edited JSON file'),
  ).action(edit);
}
