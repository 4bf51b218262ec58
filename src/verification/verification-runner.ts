/**
 * The verify job of a run: the software the stages wrote, proven in the sandbox, repaired by the
 * roles that wrote what fails. A two-step processor like a stage job:
 *
 *   verify  — record the round, materialise the current workspace, choose the toolchain profile,
 *             run its commands in the sandbox (src/verification/verify-workspace.ts), store the
 *             report (PostgreSQL and `docs/verification/report.json`, plus a lockfile the install
 *             wrote), announce it. Passed or unverifiable: done. Failed with repair rounds left:
 *             add one repair agent per author of the failing files (children of this job, charged
 *             to the budget like any call), save `step: collect, round + 1`, wait for them;
 *   collect — resumed once the repairs finished: verify again (the next round).
 *
 * The run's root reads the last round (src/engine/project-finisher.ts): a run whose software
 * failed after its repairs ends `verification_failed`, never a plain `completed`.
 */
import { UnrecoverableError, WaitingChildrenError, type Job } from 'bullmq';
import { selectAgents } from '../agents/selection.js';
import type { SelectionOptions } from '../agents/types.js';
import { agentQueueName, queueDefinition, type AgentJobData, type VerifyJobData } from '../../queues/job-catalog.js';
import type { BusDeps, EngineDeps, RunRecordDeps, StoreDeps, VerifyDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { jobIds } from '../engine/job-ids.js';
import { analysisFromWorkspace } from '../engine/plan-source.js';
import { RunCancelledError } from '../engine/project-service.js';
import { chooseProfile } from './choose-profile.js';
import { planRepairTasks } from './repair-plan.js';
import type { VerificationSettings } from './verification-settings.js';
import { verifyWorkspace, type VerificationReport } from './verify-workspace.js';

export const REPORT_PATH = 'docs/verification/report.json';
/** The author of what verification writes into the workspace (the report, a lockfile). */
export const VERIFIER_AUTHOR = 'zekka:verifier';

export interface VerificationResult {
  round: number;
  status: VerificationReport['status'];
  profile: string | null;
  summary: string;
  repairs: number;
}

export async function runVerification(deps: VerifyDeps, settings: VerificationSettings, job: Job<VerifyJobData>, token: string, data: VerifyJobData): Promise<VerificationResult> {
  const { projectId, runId } = data;
  if (await deps.state.isCancelled(projectId, runId)) throw new RunCancelledError();
  if (data.step === 'collect' && (await job.moveToWaitingChildren(token))) {
    // Run again after its worker died: the repairs it waits for are not all done yet.
    throw new WaitingChildrenError();
  }
  const round = data.round;
  await settings.records.begin(projectId, runId, round);
  await deps.events.publish({ type: 'verification.started', projectId, data: { round } });

  const snapshot = await deps.artifacts.snapshot(projectId);
  const files = new Map(snapshot.map((file) => [file.path, file.content]));
  const { profile, reason } = chooseProfile(files);
  const { report, producedFiles } = await verifyWorkspace({ files, profile, noProfileReason: reason, workRoot: settings.workRoot, packageCacheDir: settings.packageCacheDir, wallMsCap: settings.wallMsCap }).catch(
    async (error: unknown) => {
      // Not the software's failure but the verifier's (the sandbox could not start, a disk filled):
      // the round says so instead of staying `running`, and the job is retried.
      const summary = `verification could not run: ${error instanceof Error ? error.message : String(error)}`.slice(0, 2_000);
      await settings.records.finish(projectId, runId, round, { status: 'failed', profile: profile?.id ?? null, profileName: profile?.name ?? null, summary, commands: [], missingDependencies: [], isolation: null, durationMs: 0 });
      throw error;
    },
  );
  // The sandbox ran for a while: a run cancelled or superseded meanwhile records nothing more.
  await assertRunCurrent(deps, projectId, runId);
  await saveToWorkspace(deps, projectId, runId, report, producedFiles, snapshot);
  await settings.records.finish(projectId, runId, round, report);

  const repairs = report.status === 'failed' && round < settings.maxRepairRounds ? await addRepairs(deps, settings, job, data, report, snapshot) : 0;
  await deps.events.publish({
    type: 'verification.finished',
    projectId,
    data: { round, status: report.status, profile: report.profile, summary: report.summary, repairs, commands: report.commands.map((c) => ({ phase: c.phase, label: c.label, passed: c.passed, skipped: c.skipped, exitCode: c.exitCode, durationMs: c.durationMs, tests: c.tests })) },
  });
  if (repairs > 0) {
    await job.updateData({ ...data, step: 'collect', round: round + 1 });
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    // The repairs all finished before this job could wait (instantly failed jobs): verify again now.
    return runVerification(deps, settings, job, token, { ...data, step: 'verify', round: round + 1 });
  }
  deps.logger.info('verification finished', { projectId, runId, round, status: report.status, summary: report.summary });
  return { round, status: report.status, profile: report.profile, summary: report.summary, repairs: 0 };
}

/** The report (and a lockfile the install wrote) become workspace files, under the file locks. */
async function saveToWorkspace(
  deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues'>,
  projectId: string,
  runId: string,
  report: VerificationReport,
  produced: ReadonlyMap<string, string>,
  snapshot: readonly { path: string; version: number }[],
): Promise<void> {
  const versions = new Map(snapshot.map((file) => [file.path, file.version]));
  const files = [{ path: REPORT_PATH, content: `${JSON.stringify(report, null, 2)}\n` }, ...[...produced].map(([path, content]) => ({ path, content }))];
  const paths = files.map((file) => file.path);
  await deps.locks.withLocks(projectId, paths, `${jobIds.project(projectId, runId)}.verify`, (locks) =>
    deps.artifacts.writeAll({
      projectId,
      author: VERIFIER_AUTHOR,
      stage: 10,
      files: files.map((file, index) => ({ ...file, baseVersion: versions.get(file.path) ?? null, fenceToken: locks[index]?.token ?? 0 })),
    }),
  );
}

async function addRepairs(
  deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues' | 'fairShare'>,
  settings: VerificationSettings,
  job: Job<VerifyJobData>,
  data: VerifyJobData,
  report: VerificationReport,
  snapshot: readonly { path: string; content: string }[],
): Promise<number> {
  const { projectId, runId } = data;
  const paths = snapshot.map((file) => file.path);
  const authors = await settings.records.authors(projectId, paths);
  const tasks = planRepairTasks(report, paths, authors, new Map(snapshot.map((file) => [file.path, file.content])));
  const roles = await settings.records.rolesOf(projectId, tasks.map((task) => task.author));
  const round = data.round + 1;
  // The subject each author worked on, as selection gave it (the instance key holds only its slug).
  const project = await deps.stageRuns.project(projectId);
  const { analysis } = analysisFromWorkspace(project.requirements, new Map(snapshot.map((file) => [file.path, file.content])));
  const subjects = new Map(selectAgents(analysis, project.options as SelectionOptions).map((a) => [a.instanceKey, a.subject]));
  const planned = tasks.flatMap((task) => {
    const role = roles.get(task.author);
    if (!role) return [];
    // The run is in the key: a resumed run's repairs are new agent runs, not the last run's completed ones.
    const instanceKey = `${task.author}.${runId}-repair-${round}`;
    return [{ task, role, instanceKey, jobId: jobIds.agent(projectId, runId, instanceKey) }];
  });
  if (planned.length === 0) return 0;
  const toRun = await settings.records.planRepairs(
    projectId,
    planned.map((p) => ({ instanceKey: p.instanceKey, agentId: p.role.agentId, stage: p.role.stage, jobId: p.jobId })),
  );
  const parent = { id: job.id ?? '', queue: job.queueQualifiedName };
  const repairs = planned.filter((p) => toRun.has(p.instanceKey));
  // Repairs take their turn with other projects' agents (src/engine/fair-share.ts).
  const priorities = await deps.fairShare.priorities(projectId, repairs.map((p) => agentQueueName(p.role.agentId)));
  const children = repairs
    .map((p, k) => {
      const queueName = agentQueueName(p.role.agentId);
      const definition = queueDefinition(queueName);
      const child: AgentJobData = {
        projectId,
        runId,
        stage: p.role.stage,
        agentId: p.role.agentId,
        instanceKey: p.instanceKey,
        subject: subjects.get(p.task.author),
        critical: false,
        repair: { round, files: p.task.files, failure: p.task.failure },
      };
      return { name: definition.jobName, queueName, data: child, opts: { ...definition.jobOptions, jobId: p.jobId, parent, priority: priorities[k] } };
    });
  if (children.length === 0) return 0;
  // Saved before the children exist: a delivery after a crash here waits for them (or, if none were
  // added, verifies the next round at once) instead of running this round's sandbox again.
  await job.updateData({ ...data, step: 'collect', round });
  await deps.queues.flows.addBulk(children);
  await deps.events.publish({ type: 'repair.started', projectId, data: { round, agents: planned.map((p) => ({ instanceKey: p.instanceKey, files: p.task.files })) } });
  return children.length;
}

/** Throws when the run was cancelled, or the project has moved on to another run, or stopped. */
async function assertRunCurrent(deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues'>, projectId: string, runId: string): Promise<void> {
  if (await deps.state.isCancelled(projectId, runId)) throw new RunCancelledError();
  const rows = await deps.sql.query<{ run_id: string | null; status: string }>(`SELECT "runId" AS run_id, "status"::text AS status FROM "Project" WHERE "id" = $1::uuid`, [projectId]);
  const row = rows[0];
  if (!row || row.run_id !== runId || !['queued', 'running'].includes(row.status)) {
    throw new UnrecoverableError(`verification of run ${runId} stopped: the project is ${row ? `${row.status} (run ${row.run_id ?? 'none'})` : 'gone'}`);
  }
}
