/**
 * `npm run bench:api`: latency and throughput of one API process under load, while projects run.
 *
 * A throwaway world (own PostgreSQL database, own Redis namespace and BullMQ prefix; removed at
 * the end, also after a failure): one `zekka api` child process, one `zekka worker` child, and 10
 * projects kept executing in the background (a finished one is replaced at once). Then autocannon
 * (in this process) runs 100 connections for 10 s against each of:
 *   GET /api/projects/:id    GET /api/projects    POST /api/projects
 * and prints p50/p95/p99 (from every response time, not autocannon's coarser buckets) and req/s.
 * The baseline, measured in the same run under the same load: a bare Express 5 route in its own
 * process (bench/bare-express-server.ts); every endpoint's throughput is printed as a ratio of it,
 * beside the figures measured before issue #16's work (BEFORE below).
 * Targets (issue #16): the authenticated read at ≥ 0.5× the bare route, p99 ≤ 50 ms for the reads,
 * POST /api/projects p99 < 500 ms. BENCH_API_PROFILE=<dir> profiles the API process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { processCpuSeconds } from './cpu-usage.js';
import { describeEnvironment, setUp, tearDown, type BenchEnvironment } from './bench-environment.js';
import { percentile } from './measure.js';
import { startWorker, stopAllWorkers } from './worker-children.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const BACKGROUND_PROJECTS = Number(process.env.BENCH_BACKGROUND_PROJECTS ?? 10);
/** Unmeasured load before each measurement: lazy module loading and the JIT warm up (≈ 2× the CPU per request in the first seconds). */
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 3);
/** BENCH_ONLY=<text>: measure only the endpoints whose name contains it (the baseline always runs). */
const ONLY = process.env.BENCH_ONLY;
/** Measured on 2026-12-06 before issue #16's changes (100 connections, quiet machine), for comparison. */
const BEFORE: Record<string, string> = {
  'bare Express 5 (baseline)': '6,485–6,921 req/s',
  'GET /api/projects/:id': '1,520–1,671 req/s (0.23×), p99 102–144 ms',
  'POST /api/projects': 'p99 1.26–1.93 s',
  'GET /health (reference)': '2,780–4,261 req/s (0.4–0.6×)',
};
const REQUIREMENTS = 'A task tracker API: users create projects and tasks with a title, an assignee and a due date; tasks move from todo to done; list overdue tasks.';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  return typeof address === 'object' && address ? address.port : 0;
}

async function startApi(env: BenchEnvironment): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  // BENCH_API_PROFILE=<dir>: the API process writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_API_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_API_PROFILE}`] : [];
  const child = spawn(process.execPath, [...profile, 'bin/zekka.js', 'api'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      JWT_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: env.redisUrl,
      REDIS_NAMESPACE: env.namespace,
      QUEUE_PREFIX: env.prefix,
      PORT: String(port),
      RATE_LIMIT_MAX: '1000000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = child.exitCode !== null ? `exited (${child.exitCode})` : 'gave no 200 within 30 s';
      await stop();
      throw new Error(`API at ${url}/health/ready ${why}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, stop };
}

/** The bare Express 5 baseline in its own process; resolves once it listens. */
async function startBareExpress(): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-express-server.ts'], { env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const [chunk] = (await Promise.race([once(child.stdout, 'data'), exited.then(() => [undefined])])) as [Buffer | undefined];
  const port = Number(chunk?.toString().trim());
  if (!port) throw new Error('the bare Express baseline did not start');
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Keeps BACKGROUND_PROJECTS projects queued or running until stopped; returns how many it started. */
function keepProjectsRunning(url: string, token: string, databaseUrl: string): { stop: () => Promise<number> } {
  const db = new pg.Client({ connectionString: databaseUrl });
  // A client that loses its server emits 'error'; unhandled, that would end the bench without a report.
  db.on('error', (error) => process.stderr.write(`background projects: ${error.message}\n`));
  let running = true;
  let started = 0;
  const loop = (async () => {
    await db.connect();
    while (running) {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Project" WHERE name LIKE 'background %' AND status IN ('created','queued','running')`);
      for (let missing = BACKGROUND_PROJECTS - Number(rows[0]?.n ?? 0); missing > 0 && running; missing--) {
        const project = await call(url, 'POST', '/api/projects', token, { name: `background ${started}`, requirements: REQUIREMENTS });
        await call(url, 'POST', `/api/projects/${String(project.id)}/execute`, token);
        started++;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop.finally(() => db.end());
      return started;
    },
  };
}

interface Figures {
  name: string;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** CPU milliseconds the serving process spent per response. */
  cpuMsPerRequest: number;
}

/** Load on `server` (the process whose CPU time is counted) with autocannon, after a warm-up. */
async function measure(name: string, server: number | undefined, options: autocannon.Options): Promise<Figures | undefined> {
  if (ONLY && !name.includes(ONLY) && !name.includes('baseline')) return undefined;
  if (WARMUP_S > 0) await autocannon({ connections: CONNECTIONS, ...options, duration: WARMUP_S });
  const times: number[] = [];
  const cpuBefore = processCpuSeconds(server);
  return await new Promise((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options }, (error: unknown, result) => {
      if (error) return reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      resolve({
        name,
        requests: result.requests.total,
        rps: result.requests.total / (result.duration || DURATION_S),
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        p99: percentile(times, 99),
        max: Math.max(...times),
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
        cpuMsPerRequest: ((processCpuSeconds(server) - cpuBefore) * 1000) / Math.max(1, result.requests.total),
      });
    });
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
  });
}

async function main(): Promise<void> {
  const env = describeEnvironment();
  const stops: (() => Promise<unknown>)[] = [];
  process.stdout.write(`bench:api — ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; database ${env.databaseName}, prefix ${env.prefix}\n`);
  try {
    await setUp(env);
    stops.push(() => stopAllWorkers());
    await startWorker(env, { OFFLINE_LATENCY_MS: '200', WORKER_CONCURRENCY: '20' });
    const api = await startApi(env);
    stops.unshift(api.stop);

    const email = `bench-${process.pid}@example.com`;
    await call(api.url, 'POST', '/api/auth/register', undefined, { email, password: 'bench-password-123' });
    const { accessToken } = (await call(api.url, 'POST', '/api/auth/login', undefined, { email, password: 'bench-password-123' })) as { accessToken: string };
    let target = '';
    for (let i = 0; i < 40; i++) target = String((await call(api.url, 'POST', '/api/projects', accessToken, { name: `listed ${i}`, requirements: REQUIREMENTS })).id);
    const keeper = keepProjectsRunning(api.url, accessToken, env.databaseUrl);
    stops.unshift(() => keeper.stop());
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const bare = await startBareExpress();
    stops.unshift(bare.stop);
    const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const results = [
      await measure('bare Express 5 (baseline)', bare.pid, { url: `${bare.url}/api/projects/${target}` }),
      await measure('GET /api/projects/:id', api.child.pid, { url: `${api.url}/api/projects/${target}`, headers }),
      await measure('GET /api/projects', api.child.pid, { url: `${api.url}/api/projects`, headers }),
      await measure('POST /api/projects', api.child.pid, { url: `${api.url}/api/projects`, method: 'POST', headers, body: JSON.stringify({ name: 'bench', requirements: REQUIREMENTS }) }),
      // Reference: no auth, no database — the ceiling of the HTTP stack on this machine under the same load.
      await measure('GET /health (reference)', api.child.pid, { url: `${api.url}/health` }),
    ].filter((r) => r !== undefined);
    await bare.stop();
    stops.shift();
    const backgroundStarted = await keeper.stop();
    stops.shift();

    const ms = (v: number) => `${v.toFixed(1)} ms`.padStart(9);
    process.stdout.write(`\n${CONNECTIONS} connections × ${DURATION_S} s each; ${BACKGROUND_PROJECTS} projects kept executing (${backgroundStarted} started in all)\n`);
    const baseline = results[0]?.rps ?? 0;
    process.stdout.write(`${'endpoint'.padEnd(26)}${'req/s'.padStart(9)}${'×bare'.padStart(7)}${'p50'.padStart(9)}${'p95'.padStart(9)}${'p99'.padStart(9)}${'max'.padStart(9)}${'CPU/req'.padStart(9)}  non-2xx errors  before #16\n`);
    for (const r of results) {
      const ratio = baseline > 0 ? `${(r.rps / baseline).toFixed(2)}×` : '–';
      process.stdout.write(`${r.name.padEnd(26)}${r.rps.toFixed(0).padStart(9)}${ratio.padStart(7)}${ms(r.p50)}${ms(r.p95)}${ms(r.p99)}${ms(r.max)}${`${r.cpuMsPerRequest.toFixed(2)} ms`.padStart(9)}  ${String(r.non2xx).padStart(7)} ${String(r.errors).padStart(6)}  ${BEFORE[r.name] ?? ''}\n`);
    }
    const named = (name: string) => results.find((r) => r.name === name);
    const [byId, list, create] = [named('GET /api/projects/:id'), named('GET /api/projects'), named('POST /api/projects')];
    const reads = [byId, list].filter((r) => r !== undefined);
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    process.stdout.write(`\nload average now ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    process.stdout.write(`target: authenticated read ≥ 0.5× the bare route: ${verdict(!!byId && byId.rps >= 0.5 * baseline)} (${byId && baseline ? (byId.rps / baseline).toFixed(2) : '–'}×)\n`);
    process.stdout.write(`target: p99 ≤ 50 ms for the reads: ${verdict(reads.every((r) => r.p99 <= 50))} (${reads.map((r) => r.p99.toFixed(1)).join(' / ')} ms)\n`);
    process.stdout.write(`target: POST /api/projects p99 < 500 ms: ${verdict(!!create && create.p99 < 500)} (${create?.p99.toFixed(1) ?? '–'} ms)\n`);
    if (results.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1;
  } finally {
    for (const stop of stops) await stop().catch((error: unknown) => process.stderr.write(`cleanup: ${String(error)}\n`));
    const { keysDeleted, problems } = await tearDown(env);
    process.stdout.write(`cleaned up: database dropped, ${keysDeleted} Redis keys deleted${problems.length ? `; problems: ${problems.join('; ')}` : ''}\n`);
  }
}

await main();
