/**
 * The baseline: the engine's flow shape in raw BullMQ with no-op work, on the catalogue's queue
 * names (root `project`, ten `stage.NN-key`, one `agent.<role>` per role), concurrency 50 on each
 * queue, all workers in this process.
 *
 * Shape, as the engine builds it: FlowProducer adds root ← stage 10 ← … ← stage 1; a stage job
 * is a step job — its first run adds its agents (its roles in the catalogue, 55 in all) as
 * children with FlowProducer.addBulk and moves to waiting-children, its second run completes.
 * So a stage's agents start only after the previous stage finished, exactly as in the engine;
 * the processors do nothing else.
 */
import { FlowProducer, WaitingChildrenError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { AGENT_ROLES } from '../src/agents/catalog/index.js';
import { STAGES, stageQueueName } from '../src/agents/stages.js';
import { createRedis } from '../src/redis/connection.js';
import { PROJECT_QUEUE, agentQueueName } from '../queues/job-catalog.js';
import { percentile, sampleMemory } from './measure.js';
import { measureCpu, type CpuSplit } from './cpu-usage.js';

export interface LoadFigures {
  agentsPerProject: number;
  latencies: number[];
  p50: number;
  p95: number;
  /** 50 projects submitted at once. */
  concurrentProjects: number;
  wallMs: number;
  jobsPerSec: number;
  agentJobsPerSec: number;
  peakMemory: number;
  failures: number;
  /** CPU seconds used during the 50-at-once run. */
  cpu: CpuSplit;
}

export interface BaselineOptions {
  redisUrl: string;
  prefix: string;
  warmup: number;
  sequential: number;
  concurrent: number;
  memory: Redis;
}

const retention = { removeOnComplete: { age: 3_600, count: 2_000 }, removeOnFail: { age: 24 * 3_600, count: 5_000 } };
const CONCURRENCY = 50;

export async function runBaseline(options: BaselineOptions): Promise<LoadFigures> {
  const connection = createRedis({ url: options.redisUrl, name: 'zekka:bench:baseline' });
  const { prefix } = options;
  const flows = new FlowProducer({ connection, prefix });
  const rolesOf = new Map(STAGES.map((s) => [s.number, AGENT_ROLES.filter((r) => r.stage === s.number)]));
  const finished = new Map<string, () => void>();

  const stageProcessor = (stage: (typeof STAGES)[number]['number']) => async (job: Job<{ step: string }>, token?: string) => {
    if (job.data.step === 'dispatch') {
      const parent = { id: job.id ?? '', queue: job.queueQualifiedName };
      await flows.addBulk(
        (rolesOf.get(stage) ?? []).map((role) => ({
          name: 'run-agent',
          queueName: agentQueueName(role.id),
          data: {},
          opts: { jobId: `${job.id}.${role.id}`, parent, ...retention },
        })),
      );
      await job.updateData({ step: 'collect' });
      if (await job.moveToWaitingChildren(token ?? '')) throw new WaitingChildrenError();
    }
    return 'ok';
  };
  const noop = () => Promise.resolve('ok');
  const workers = [
    new Worker(PROJECT_QUEUE, noop, { connection, prefix, concurrency: CONCURRENCY }),
    ...STAGES.map((s) => new Worker(stageQueueName(s.number), stageProcessor(s.number), { connection, prefix, concurrency: CONCURRENCY })),
    ...AGENT_ROLES.map((r) => new Worker(agentQueueName(r.id), noop, { connection, prefix, concurrency: CONCURRENCY })),
  ];
  const root = workers[0] as Worker;
  root.on('completed', (job) => finished.get(job.id ?? '')?.());
  let failures = 0;
  // Every BullMQ handle gets an 'error' listener: BullMQ prints one nobody listens to as "Unhandled error".
  flows.on('error', () => failures++);
  for (const worker of workers) {
    worker.on('failed', () => failures++);
    worker.on('error', () => failures++);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));

  let counter = 0;
  const runOne = async (): Promise<number> => {
    const id = `b${++counter}`;
    const done = new Promise<void>((resolve) => finished.set(id, resolve));
    const started = performance.now();
    let chain: Parameters<FlowProducer['add']>[0] | undefined;
    for (const s of STAGES) {
      const jobId = `${id}.s${String(s.number).padStart(2, '0')}`;
      chain = { name: 'run-stage', queueName: stageQueueName(s.number), data: { step: 'dispatch' }, opts: { jobId, ...retention }, children: chain ? [chain] : undefined };
    }
    await flows.add({ name: 'finish-project', queueName: PROJECT_QUEUE, data: {}, opts: { jobId: id, ...retention }, children: chain ? [chain] : undefined });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`baseline project ${id} did not finish within 30 s`)), 30_000)));
    try {
      await Promise.race([done, timeout]);
    } finally {
      clearTimeout(timer);
      finished.delete(id);
    }
    return performance.now() - started;
  };

  try {
    for (let i = 0; i < options.warmup; i++) await runOne();
    const latencies: number[] = [];
    for (let i = 0; i < options.sequential; i++) latencies.push(await runOne());
    const sampler = sampleMemory(options.memory);
    const cpu = measureCpu(() => []);
    const started = performance.now();
    let wallMs: number;
    let cpuUsed: CpuSplit;
    let peakMemory: number;
    try {
      await Promise.all(Array.from({ length: options.concurrent }, () => runOne()));
    } finally {
      wallMs = performance.now() - started;
      cpuUsed = cpu.stop();
      peakMemory = await sampler.stop();
    }
    const agents = AGENT_ROLES.length;
    return {
      agentsPerProject: agents,
      latencies,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      concurrentProjects: options.concurrent,
      wallMs,
      jobsPerSec: (options.concurrent * (1 + STAGES.length + agents)) / (wallMs / 1000),
      agentJobsPerSec: (options.concurrent * agents) / (wallMs / 1000),
      peakMemory,
      failures,
      cpu: cpuUsed,
    };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
    await flows.close();
    await connection.quit();
  }
}
