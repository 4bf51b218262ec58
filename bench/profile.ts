/**
 * A short profile of one project with the workers in this process, so that every SQL statement
 * (pg Client.query) and every Redis command (ioredis sendCommand; a Lua script counts once) can
 * be counted and attributed to the job that issued it — through the job id the processors put in
 * the logger's AsyncLocalStorage. Time per stage comes from the project's own event stream.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import { analyzeRequest } from '../src/agents/request-analysis.js';
import { selectAgents } from '../src/agents/selection.js';
import type { SelectionOptions } from '../src/agents/types.js';
import { openDatabase } from '../src/db/database.js';
import { createEngineDeps, verificationServices } from '../src/engine/engine-deps.js';
import { ProjectService } from '../src/engine/project-service.js';
import { followProject } from '../src/cli/progress/follow-project.js';
import { currentCorrelationId } from '../src/logging/logger.js';
import { SingleProviderRouter } from '../src/models/model-router.js';
import { OfflineProvider } from '../src/offline-model/offline-provider.js';
import { createRedis } from '../src/redis/connection.js';
import { createArbitrationServices } from '../src/arbitration/arbitration-services.js';
import { WorkerPool } from '../workers/worker-pool.js';
import { silentLogger, type BenchEnvironment } from './bench-environment.js';

type Kind = 'agent' | 'stage' | 'project' | 'arbitration' | 'outside jobs';
interface Tally {
  sql: number;
  sqlMs: number;
  redis: number;
}

function kindOf(correlationId: string | undefined): Kind {
  if (!correlationId) return 'outside jobs';
  if (correlationId.includes('.conflict.')) return 'arbitration';
  if (/\.r\d+\.s\d\d$/.test(correlationId)) return 'stage';
  if (/\.r\d+$/.test(correlationId)) return 'project';
  return 'agent';
}

/** Counts while `enabled`; the patches stay installed but inert afterwards. */
function instrument() {
  const tallies = new Map<Kind, Tally>();
  const tally = (kind: Kind) => {
    let t = tallies.get(kind);
    if (!t) tallies.set(kind, (t = { sql: 0, sqlMs: 0, redis: 0 }));
    return t;
  };
  const state = { enabled: false };
  const agentCommands = new Map<string, number>();
  const statements = new Map<string, { count: number; ms: number }>();
  const clientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const originalQuery = clientProto.query;
  clientProto.query = function (this: unknown, ...args: unknown[]) {
    if (!state.enabled) return originalQuery.apply(this, args);
    const t = tally(kindOf(currentCorrelationId()));
    t.sql++;
    const config = args[0];
    const text = typeof config === 'string' ? config : ((config as { text?: string } | undefined)?.text ?? '');
    const key = text.replace(/\s+/g, ' ').slice(0, 140);
    const started = performance.now();
    const done = () => {
      const elapsed = performance.now() - started;
      t.sqlMs += elapsed;
      const s = statements.get(key) ?? { count: 0, ms: 0 };
      s.count++;
      s.ms += elapsed;
      statements.set(key, s);
    };
    // pg.Pool calls Client.query with a callback; the Prisma adapter's transactions use the promise form.
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (...results: unknown[]) => {
        done();
        return (callback as (...r: unknown[]) => unknown)(...results);
      };
      return originalQuery.apply(this, args);
    }
    const result = originalQuery.apply(this, args);
    if (result instanceof Promise) void result.finally(done).catch(() => undefined);
    return result;
  };
  const redisProto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const originalSend = redisProto.sendCommand;
  redisProto.sendCommand = function (this: unknown, ...args: unknown[]) {
    if (state.enabled) {
      const kind = kindOf(currentCorrelationId());
      tally(kind).redis++;
      if (kind === 'agent') {
        const name = redisCommandLabel(args[0] as { name?: string; args?: unknown[] });
        agentCommands.set(name, (agentCommands.get(name) ?? 0) + 1);
      }
    }
    return originalSend.apply(this, args);
  };
  return {
    tallies,
    statements,
    agentCommands,
    state,
    restore() {
      clientProto.query = originalQuery;
      redisProto.sendCommand = originalSend;
    },
  };
}

/** `evalsha …:events` for a script (named by its first key's last segment), else the command name. */
function redisCommandLabel(command: { name?: string; args?: unknown[] }): string {
  const name = command.name ?? '?';
  if (name !== 'evalsha' && name !== 'eval') return name;
  const key = command.args?.[2];
  const firstKey = typeof key === 'string' ? key : Buffer.isBuffer(key) ? key.toString() : '';
  return `${name} …:${firstKey.slice(firstKey.lastIndexOf(':') + 1)}`;
}

export interface ProfileInput {
  env: BenchEnvironment;
  request: string;
  options: SelectionOptions;
  ownerId: string;
}

const at = (iso: string | undefined): number => (iso ? Date.parse(iso) : Number.NaN);

export async function runProfile(input: ProfileInput): Promise<string[]> {
  const { env } = input;
  const probe = instrument();
  const database = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 10 });
  const redis = createRedis({ url: env.redisUrl, name: 'zekka:bench:profile' });
  const deps = createEngineDeps({ prisma: database.prisma, sql: database.sql, redis, prefix: env.prefix, namespace: env.namespace, logger: silentLogger, models: new SingleProviderRouter(new OfflineProvider({ latencyMs: 0 })) });
  // The profiled request raises no conflict; merge → human keeps any that appears off the models.
  const arbitration = createArbitrationServices({ env: { ARBITRATION_STRATEGIES: 'merge,human', ARBITRATION_MODELS: undefined, ARBITRATION_MAX_OUTPUT_TOKENS: 16_000, ARBITRATION_MAX_FILE_BYTES: 1_000_000 }, providers: new Map() });
  const verification = verificationServices(deps, { workRoot: '/var/tmp/zekka-bench-verify', packageCacheDir: '/var/tmp/zekka-bench-verify-cache', maxRepairRounds: 0 });
  const pool = new WorkerPool({ deps, arbitration, verification, connection: redis, prefix: env.prefix, queueGlobs: '*', agentConcurrency: 50 });
  const projects = new ProjectService(deps, 1_000);
  const agents = selectAgents(analyzeRequest(input.request), input.options).length;
  const run = async () => {
    const project = await projects.create({ ownerId: input.ownerId, name: 'profile', requirements: input.request, options: input.options, budgetUsd: 1_000 });
    const following = followProject(redis, deps.events, project.id, () => undefined, await deps.events.lastSeq(project.id));
    const started = performance.now();
    const cpu = process.cpuUsage();
    await projects.execute(project.id);
    const ended = await following;
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { id: project.id, ended, wall, cpuMs: (used.user + used.system) / 1000 };
  };
  try {
    await run(); // warm-up
    probe.state.enabled = true;
    const result = await run();
    probe.state.enabled = false;

    const lines: string[] = [];
    const t = (kind: Kind) => probe.tallies.get(kind) ?? { sql: 0, sqlMs: 0, redis: 0 };
    lines.push(`one project in-process (${result.ended}): ${result.wall.toFixed(0)} ms, CPU of this process ${result.cpuMs.toFixed(0)} ms (${((100 * result.cpuMs) / result.wall).toFixed(0)}% of one core)`);
    const per = (kind: Kind, jobs: number, label: string) => {
      const v = t(kind);
      return `${label}: ${v.sql} SQL (${(v.sql / jobs).toFixed(1)}/job, ${(v.sqlMs / jobs).toFixed(1)} ms/job waiting on SQL), ${v.redis} Redis cmds (${(v.redis / jobs).toFixed(1)}/job)`;
    };
    lines.push(per('agent', agents, `${agents} agent jobs`));
    lines.push(per('stage', 10, '10 stage jobs (dispatch + collect)'));
    lines.push(per('project', 1, 'root job'));
    lines.push(per('outside jobs', 1, 'outside processors (create/execute, BullMQ worker loops, event follower)'));
    const arbitration = t('arbitration');
    if (arbitration.sql > 0) lines.push(per('arbitration', 1, 'arbitration jobs (total)'));

    const runs = await database.prisma.agentRun.findMany({ where: { projectId: result.id }, select: { durationMs: true, instanceKey: true, stageRun: { select: { stage: true } } } });
    const events = await deps.events.replay(result.id);
    const first = (type: string, stage?: number) => events.find((e) => e.type === type && (stage === undefined || e.data.stage === stage))?.at;
    const allOf = (type: string, stage: number) => events.filter((e) => e.type === type && e.data.stage === stage).map((e) => at(e.at));
    let previousEnd = at(first('project.started'));
    const stageLines: string[] = [];
    for (let stage = 1; stage <= 10; stage++) {
      const started = at(first('stage.started', stage));
      const done = at(first('stage.completed', stage));
      const agentStarts = allOf('agent.started', stage);
      const agentEnds = allOf('agent.completed', stage);
      const ofStage = runs.filter((r) => r.stageRun.stage === stage);
      const durations = ofStage.map((r) => r.durationMs ?? 0);
      const slowest = ofStage.reduce((a, b) => ((b.durationMs ?? 0) > (a?.durationMs ?? -1) ? b : a), ofStage[0]);
      const lastAgent = Math.max(...agentEnds);
      if (agentStarts.length === 0 || agentEnds.length === 0) {
        stageLines.push(`s${String(stage).padStart(2, '0')}: ${done - previousEnd} ms (no agent ran)`);
        previousEnd = done;
        continue;
      }
      stageLines.push(
        `s${String(stage).padStart(2, '0')}: ${done - previousEnd} ms = to dispatch ${started - previousEnd} + to 1st agent ${Math.min(...agentStarts) - started} + agents ${lastAgent - Math.min(...agentStarts)} (${durations.length}, each ${Math.min(...durations)}–${Math.max(...durations)} ms, slowest ${slowest?.instanceKey ?? '-'}) + collect ${done - lastAgent}`,
      );
      previousEnd = done;
    }
    const commands = [...probe.agentCommands].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${(count / agents).toFixed(1)}`);
    lines.push(`Redis commands per agent job: ${commands.join(', ')}`);
    const top = [...probe.statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6);
    lines.push('slowest SQL by total time (count × avg):');
    for (const [text, s] of top) lines.push(`  ${s.ms.toFixed(0).padStart(5)} ms  ${String(s.count).padStart(4)} × ${(s.ms / s.count).toFixed(1)} ms  ${text}`);
    lines.push('time per stage (from the event stream, ms resolution):');
    lines.push(...stageLines.map((l) => `  ${l}`));
    lines.push(`  root (manifest, totals, completed): ${at(first('project.completed')) - previousEnd} ms`);
    return lines;
  } finally {
    probe.state.enabled = false;
    await pool.close();
    await deps.queues.close();
    await redis.quit();
    await database.close();
    probe.restore();
  }
}
