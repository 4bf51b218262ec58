/**
 * The job catalogue: every queue, its job name, payload schema, retry policy, lock duration and
 * retention — declared once. Producers (src/engine/flow-builder.ts) and processors (workers/)
 * derive their types from here, and processors re-validate `job.data` with the same schemas.
 *
 * Queues: `project` (root of each run), `verify` (the run's software, proven in the sandbox),
 * `stage.NN-<key>` (10), `agent.<role-id>` (55), `arbitration`.
 */
import { z } from 'zod';
import type { JobsOptions } from 'bullmq';
import { STAGES, stageQueueName } from '../src/agents/stages.js';
import { AGENT_ROLES } from '../src/agents/catalog/index.js';

const id = z.string().regex(/^[\w-]+$/);
const stage = z.number().int().min(1).max(10);

export const projectJobSchema = z.object({ projectId: id, runId: id });
export const stageJobSchema = z.object({
  projectId: id,
  runId: id,
  stage,
  /** Step-job state: `dispatch` adds the agents, `collect` runs once they have all finished. */
  step: z.enum(['dispatch', 'collect']).default('dispatch'),
  /** The run stops before this stage for a person to review the plan (project option `reviewPlan`; set on stage 2 of a run that plans). */
  reviewPlan: z.boolean().optional(),
});
export const agentJobSchema = z.object({
  projectId: id,
  runId: id,
  stage,
  agentId: z.string().regex(/^[a-z0-9-]+$/),
  instanceKey: z.string().regex(/^[a-z0-9.-]+$/),
  subject: z.string().optional(),
  critical: z.boolean(),
  /** A repair task from a failed verification (src/verification): the files to fix and what failed. */
  repair: z.object({ round: z.number().int().min(1), files: z.array(z.string()).min(1), failure: z.string().max(10_000) }).optional(),
});
export const arbitrationJobSchema = z.object({ projectId: id, runId: id, stage, conflictId: z.string().uuid() });
export const verifyJobSchema = z.object({
  projectId: id,
  runId: id,
  /** 0 for the first verification; each repair round verifies again with the next number. */
  round: z.number().int().min(0).max(20).default(0),
  /** Step-job state: `verify` runs the checks (and may add repair agents), `collect` resumes after the repairs. */
  step: z.enum(['verify', 'collect']).default('verify'),
});

export type ProjectJobData = z.infer<typeof projectJobSchema>;
export type StageJobData = z.infer<typeof stageJobSchema>;
export type AgentJobData = z.infer<typeof agentJobSchema>;
export type ArbitrationJobData = z.infer<typeof arbitrationJobSchema>;
export type VerifyJobData = z.infer<typeof verifyJobSchema>;

export type QueueKind = 'project' | 'stage' | 'agent' | 'arbitration' | 'verify';

export interface QueueDefinition {
  name: string;
  kind: QueueKind;
  jobName: string;
  schema: z.ZodType;
  jobOptions: JobsOptions;
  /** Worker lock duration: how long a job may run between lock renewals before it counts as stalled. */
  lockDurationMs: number;
  /** Default per-worker concurrency (WORKER_CONCURRENCY overrides agents). */
  concurrency: number;
}

/** Finished jobs stay long enough to inspect, and no longer: Redis memory per project stays bounded. */
const retention = {
  removeOnComplete: { age: 3_600, count: 2_000 },
  removeOnFail: { age: 24 * 3_600, count: 5_000 },
} satisfies JobsOptions;

export const PROJECT_QUEUE = 'project';
export const ARBITRATION_QUEUE = 'arbitration';
export const VERIFY_QUEUE = 'verify';
export const agentQueueName = (agentId: string): string => `agent.${agentId}`;

export const QUEUES: readonly QueueDefinition[] = [
  {
    name: PROJECT_QUEUE,
    kind: 'project',
    jobName: 'finish-project',
    schema: projectJobSchema,
    jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, ...retention },
    lockDurationMs: 30_000,
    concurrency: 10,
  },
  ...STAGES.map(
    (s): QueueDefinition => ({
      name: stageQueueName(s.number),
      kind: 'stage',
      jobName: 'run-stage',
      schema: stageJobSchema,
      // A stage that fails (critical agent, cancel) fails the stages after it and the project root.
      jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, failParentOnFailure: true, ...retention },
      lockDurationMs: 30_000,
      concurrency: 10,
    }),
  ),
  ...AGENT_ROLES.map(
    (role): QueueDefinition => ({
      name: agentQueueName(role.id),
      kind: 'agent',
      jobName: 'run-agent',
      schema: agentJobSchema,
      // Every agent failure reaches the stage's collect step, which applies the failure policy
      // (critical → stage fails; otherwise recorded and the stage goes on): no parent is left waiting.
      jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 250 }, ignoreDependencyOnFailure: true, ...retention },
      lockDurationMs: 60_000,
      concurrency: 20,
    }),
  ),
  {
    name: ARBITRATION_QUEUE,
    kind: 'arbitration',
    jobName: 'arbitrate-conflict',
    schema: arbitrationJobSchema,
    // Like agents: the stage's collect step checks that every conflict was settled.
    jobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 500 }, ignoreDependencyOnFailure: true, ...retention },
    lockDurationMs: 60_000,
    concurrency: 10,
  },
  {
    name: VERIFY_QUEUE,
    kind: 'verify',
    jobName: 'verify-software',
    schema: verifyJobSchema,
    // A verification that cannot run at all (a crash, the database away) fails the run's root like a stage.
    jobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 1_000 }, failParentOnFailure: true, ...retention },
    lockDurationMs: 60_000,
    // Installs, builds and tests are heavy: a few at a time per worker.
    concurrency: 2,
  },
];

const byName = new Map(QUEUES.map((q) => [q.name, q]));

export function queueDefinition(name: string): QueueDefinition {
  const definition = byName.get(name);
  if (!definition) throw new Error(`unknown queue ${name}`);
  return definition;
}
