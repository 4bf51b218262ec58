/**
 * The engine with real model latency (issue #16, item 6): every model call of the offline model
 * waits OFFLINE_LATENCY_MS (2 s), so a project's time is its critical path of model calls, and the
 * question is how many projects the workers carry at once before each one slows down.
 *
 *   1. one project alone on the workers: its time is the reference;
 *   2. N projects executed at once: each project's time (from its execute() to its end event),
 *      p50 and max, and their ratios to the time alone; peak RSS of every worker process.
 *
 * Model calls are I/O waits, so each worker's agent-queue concurrency is sized for the fan-out:
 * N projects × the most instances one role has in one stage, shared by the workers (a worker
 * with too few slots makes projects queue behind each other's 2-second waits).
 */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { AgentInstance } from '../src/agents/types.js';
import { mb, percentile, seconds } from './measure.js';
import { measureCpu, type CpuSplit } from './cpu-usage.js';
import { createProject, runOneProject, type EngineBench } from './engine-load.js';
import type { BenchEnvironment } from './bench-environment.js';
import { startWorker } from './worker-children.js';

export interface LatencyScenarioOptions {
  env: BenchEnvironment;
  bench: EngineBench;
  plan: readonly Pick<AgentInstance, 'stage' | 'agentId'>[];
  projects: number;
  workers: number;
  latencyMs: number;
  out: (line?: string) => void;
}

export interface LatencyFigures {
  projects: number;
  workers: number;
  concurrency: number;
  aloneMs: number;
  p50: number;
  max: number;
  wallMs: number;
  /** Peak resident set (VmHWM) of each worker process, bytes; and each one's resident set once started (idle). */
  workerPeakRss: number[];
  workerIdleRss: number[];
  /** CPU seconds used during the N-at-once run. */
  cpu: CpuSplit;
  agentsPerProject: number;
}

const cores = (): number => cpus().length;

const ENDED = ['project.completed', 'project.failed', 'project.cancelled', 'project.budget_exhausted', 'project.needs_review'];

/** The most instances one role has in one stage: how many of one queue's jobs a project adds at once. */
function widestFanOut(plan: LatencyScenarioOptions['plan']): number {
  const perQueueStage = new Map<string, number>();
  for (const a of plan) perQueueStage.set(`${a.stage}/${a.agentId}`, (perQueueStage.get(`${a.stage}/${a.agentId}`) ?? 0) + 1);
  return Math.max(1, ...perQueueStage.values());
}

/** `VmHWM` (peak) or `VmRSS` (now) of a process, bytes. */
async function rss(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const line = status.split('\n').find((l) => l.startsWith(`${field}:`));
  return line ? Number(line.replace(/\D/g, '')) * 1024 : 0;
}

/** Each project's end time, through one subscription on the events channel. */
async function trackEndTimes(bench: EngineBench, projectIds: string[]): Promise<{ all: Promise<Map<string, { type: string; at: number }>>; close: () => Promise<void> }> {
  const subscriber = bench.redis.duplicate({ connectionName: 'zekka:bench:latency-follow' });
  subscriber.on('error', () => undefined);
  const wanted = new Set(projectIds);
  const ends = new Map<string, { type: string; at: number }>();
  let resolveAll: (value: Map<string, { type: string; at: number }>) => void = () => undefined;
  const all = new Promise<Map<string, { type: string; at: number }>>((resolve) => (resolveAll = resolve));
  subscriber.on('message', (_channel: string, message: string) => {
    if (!message.includes('"type":"project.')) return;
    const event = JSON.parse(message) as { type: string; projectId: string };
    if (!wanted.has(event.projectId) || !ENDED.includes(event.type) || ends.has(event.projectId)) return;
    ends.set(event.projectId, { type: event.type, at: performance.now() });
    if (ends.size === wanted.size) resolveAll(ends);
  });
  await subscriber.subscribe(bench.deps.events.channel);
  return { all, close: async () => void (await subscriber.quit()) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runLatencyScenario(options: LatencyScenarioOptions): Promise<LatencyFigures> {
  const { bench, projects, workers: workerCount, latencyMs, out } = options;
  const concurrency = Math.min(1000, Math.max(50, Math.ceil((projects * widestFanOut(options.plan)) / workerCount)));
  out(`running latency scenario: OFFLINE_LATENCY_MS=${latencyMs}, ${workerCount} worker processes, agent-queue concurrency ${concurrency} per worker, stage queues 50; 1 project alone, then ${projects} at once…`);
  const workers = await Promise.all(
    Array.from({ length: workerCount }, () => startWorker(options.env, { OFFLINE_LATENCY_MS: String(latencyMs), WORKER_CONCURRENCY: String(concurrency), QUEUE_CONCURRENCY: 'stage.*=50,project=50' })),
  );
  try {
    const workerIdleRss = await Promise.all(workers.map((w) => rss(w.child.pid ?? 0, 'VmRSS')));
    const aloneMs = await runOneProject(bench, 30 * latencyMs + 60_000);
    const projectIds: string[] = [];
    for (let i = 0; i < projects; i++) projectIds.push(await createProject(bench));
    const tracker = await trackEndTimes(bench, projectIds);
    const startedAt = new Map<string, number>();
    const cpu = measureCpu(() => workers.map((w) => w.child.pid ?? 0));
    const started = performance.now();
    let ends: Map<string, { type: string; at: number }>;
    try {
      const executed = await Promise.allSettled(
        projectIds.map((id) => {
          startedAt.set(id, performance.now());
          return bench.projects.execute(id);
        }),
      );
      const refused = executed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused) throw refused.reason;
      ends = await withTimeout(tracker.all, 30 * latencyMs + 20 * aloneMs + projects * 1_000, `${projects} projects at once`);
    } finally {
      await tracker.close();
      cpu.stop();
    }
    const wallMs = performance.now() - started;
    const cpuUsed = cpu.stop();
    const failed = [...ends].filter(([, end]) => end.type !== 'project.completed');
    if (failed.length > 0) throw new Error(`${failed.length} of ${projects} projects did not complete; first: ${failed[0]?.[1].type}`);
    const times = projectIds.map((id) => (ends.get(id)?.at ?? 0) - (startedAt.get(id) ?? 0));
    const workerPeakRss = await Promise.all(workers.map((w) => rss(w.child.pid ?? 0, 'VmHWM')));
    return { projects, workers: workerCount, concurrency, aloneMs, p50: percentile(times, 50), max: Math.max(...times), wallMs, workerPeakRss, workerIdleRss, cpu: cpuUsed, agentsPerProject: options.plan.length };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The scenario's figures next to the issue's measurement of the old engine (one worker, 40 projects). */
export function latencyReport(f: LatencyFigures, target: number): string[] {
  const r = (value: number) => `×${(value / f.aloneMs).toFixed(2)}`;
  const met = f.max <= target * f.aloneMs;
  const { workers, postgres, redis, bench } = f.cpu;
  const cpuSeconds = workers + postgres + redis + bench;
  const perJobMs = (cpuSeconds * 1000) / (f.projects * f.agentsPerProject);
  // The projects run side by side for about their time alone; all their CPU must fit in that window.
  const budgetMs = (target * f.aloneMs * cores()) / (200 * f.agentsPerProject);
  return [
    `latency scenario (model calls of 2 s): ${f.projects} projects at once on ${f.workers} workers, agent-queue concurrency ${f.concurrency} per worker`,
    `  alone ${seconds(f.aloneMs)}; at once: p50 ${seconds(f.p50)} ${r(f.p50)}, max ${seconds(f.max)} ${r(f.max)}, wall ${seconds(f.wallMs)}`,
    `  before (issue #16, 1 worker, 40 projects): alone 19.4 s; p50 26.6 s ×1.37, max 30.3 s ×1.56`,
    `  CPU during the run: workers ${workers.toFixed(1)} s, postgres ${postgres.toFixed(1)} s, redis ${redis.toFixed(1)} s, bench ${bench.toFixed(1)} s = ${perJobMs.toFixed(1)} ms per agent job (shared servers: an upper bound)`,
    `  arithmetic: 200 projects × ${f.agentsPerProject} agents within ×${target} of ${seconds(f.aloneMs)} on ${cores()} cores leaves ${budgetMs.toFixed(1)} ms of CPU per agent job (all processes), on an otherwise idle machine`,
    `  worker RSS: peak (VmHWM) ${f.workerPeakRss.map(mb).join(', ')}; once started, idle ${f.workerIdleRss.map(mb).join(', ')}`,
    `  target: ${f.projects >= 200 ? '' : `(run with ${f.projects}, the target counts 200) `}every project within ×${target} of alone: ${met ? 'met' : 'MISSED'} (max ${r(f.max)})`,
  ];
}
