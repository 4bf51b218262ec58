/**
 * The engine under load: the bench process only creates and executes projects; `zekka worker`
 * child processes run every job. Latency is measured from `execute()` to the event that ends the
 * project (followProject, one project at a time); the 50-at-once run follows all projects with
 * one subscriber, so the bench's own CPU use stays small next to the workers'.
 */
import type { Redis } from 'ioredis';
import type { EngineDeps } from '../src/engine/engine-deps.js';
import type { ProjectService } from '../src/engine/project-service.js';
import { followProject } from '../src/cli/progress/follow-project.js';
import type { SelectionOptions } from '../src/agents/types.js';
import { percentile, sampleMemory } from './measure.js';
import { measureCpu, type CpuSplit } from './cpu-usage.js';
import type { LoadFigures } from './baseline.js';

export interface EngineBench {
  deps: EngineDeps;
  redis: Redis;
  projects: ProjectService;
  ownerId: string;
  request: string;
  options: SelectionOptions;
  agentsPerProject: number;
}

const ENDED = ['project.completed', 'project.failed', 'project.cancelled', 'project.budget_exhausted', 'project.needs_review'];

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

let created = 0;
export async function createProject(bench: EngineBench): Promise<string> {
  const project = await bench.projects.create({ ownerId: bench.ownerId, name: `bench ${++created}`, requirements: bench.request, options: bench.options, budgetUsd: 1_000 });
  return project.id;
}

async function failureReason(bench: EngineBench, projectId: string): Promise<string> {
  const project = await bench.deps.prisma.project.findUnique({ where: { id: projectId }, select: { status: true, failureReason: true } });
  return `${project?.status}: ${project?.failureReason ?? '(no reason)'}`;
}

/** One project, from execute to its end; resolves with the latency in ms. */
export async function runOneProject(bench: EngineBench, timeoutMs = 60_000): Promise<number> {
  const projectId = await createProject(bench);
  const after = await bench.deps.events.lastSeq(projectId);
  const following = followProject(bench.redis, bench.deps.events, projectId, () => undefined, after);
  const started = performance.now();
  await bench.projects.execute(projectId);
  const ended = await withTimeout(following, timeoutMs, `project ${projectId}`);
  const latency = performance.now() - started;
  if (ended !== 'project.completed') throw new Error(`project ${projectId} ended with ${ended} (${await failureReason(bench, projectId)})`);
  return latency;
}

/** Ends of many projects through one subscription on the events channel. */
async function trackEnds(bench: EngineBench, projectIds: string[]): Promise<{ all: Promise<Map<string, string>>; close: () => Promise<void> }> {
  const subscriber = bench.redis.duplicate({ connectionName: 'zekka:bench:follow' });
  // A duplicate inherits no listeners; the parent connection reports an outage.
  subscriber.on('error', () => undefined);
  const wanted = new Set(projectIds);
  const ends = new Map<string, string>();
  let resolveAll: (ends: Map<string, string>) => void = () => undefined;
  const all = new Promise<Map<string, string>>((resolve) => (resolveAll = resolve));
  subscriber.on('message', (_channel: string, message: string) => {
    if (!message.includes('"type":"project.')) return;
    const event = JSON.parse(message) as { type: string; projectId: string };
    if (!wanted.has(event.projectId) || !ENDED.includes(event.type) || ends.has(event.projectId)) return;
    ends.set(event.projectId, event.type);
    if (ends.size === wanted.size) resolveAll(ends);
  });
  await subscriber.subscribe(bench.deps.events.channel);
  return { all, close: async () => void (await subscriber.quit()) };
}

export interface EngineLoadOptions {
  warmup: number;
  sequential: number;
  concurrent: number;
  memory: Redis;
  timeoutMs: number;
  workerPids: number[];
}

export async function runEngineLoad(bench: EngineBench, options: EngineLoadOptions): Promise<LoadFigures & { projectIds: string[] }> {
  for (let i = 0; i < options.warmup; i++) await runOneProject(bench);
  const latencies: number[] = [];
  for (let i = 0; i < options.sequential; i++) latencies.push(await runOneProject(bench));

  const projectIds: string[] = [];
  for (let i = 0; i < options.concurrent; i++) projectIds.push(await createProject(bench));
  const tracker = await trackEnds(bench, projectIds);
  const sampler = sampleMemory(options.memory);
  const cpu = measureCpu(() => options.workerPids);
  const started = performance.now();
  let ends: Map<string, string>;
  let wallMs: number;
  let cpuUsed: CpuSplit;
  let peakMemory: number;
  try {
    // allSettled: nothing may still be publishing when a failure makes the caller close connections.
    const executed = await Promise.allSettled(projectIds.map((id) => bench.projects.execute(id)));
    const refused = executed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (refused) throw refused.reason;
    ends = await withTimeout(tracker.all, options.timeoutMs, `${options.concurrent} projects at once`);
  } finally {
    wallMs = performance.now() - started;
    cpuUsed = cpu.stop();
    peakMemory = await sampler.stop();
    await tracker.close();
  }
  const failed = [...ends].filter(([, type]) => type !== 'project.completed');
  if (failed.length > 0) {
    const [id, type] = failed[0] ?? ['', ''];
    throw new Error(`${failed.length} of ${options.concurrent} projects did not complete; first: ${type} (${await failureReason(bench, id)})`);
  }
  const agentJobs = options.concurrent * bench.agentsPerProject;
  return {
    agentsPerProject: bench.agentsPerProject,
    latencies,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    concurrentProjects: options.concurrent,
    wallMs,
    jobsPerSec: (options.concurrent * (1 + 10) + agentJobs) / (wallMs / 1000),
    agentJobsPerSec: agentJobs / (wallMs / 1000),
    peakMemory,
    failures: 0,
    cpu: cpuUsed,
    projectIds,
  };
}
