/**
 * `npm run bench:executability`: every request in examples/requests/ through the offline model,
 * in process (own database and Redis namespace, bench/bench-environment.ts), with verification
 * on: per request the kind, the profile, each verification command's result, the repair rounds
 * used, the MetaGPT-style 1–4 executability score (src/verification/executability-score.ts) and
 * runnable yes/no; then the totals. It also times what a verification adds: each finished
 * workspace verified again with the warm package cache, and one (the first Node request, else
 * the first) with a fresh, cold cache directory.
 */
import { mkdtemp, readFile, readdir, rm, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { analyzeRequest } from '../src/agents/request-analysis.js';
import { createArbitrationServices } from '../src/arbitration/arbitration-services.js';
import { followProject } from '../src/cli/progress/follow-project.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { createEngineDeps, verificationServices, type EngineDeps } from '../src/engine/engine-deps.js';
import { ProjectService } from '../src/engine/project-service.js';
import { SingleProviderRouter } from '../src/models/model-router.js';
import { OfflineProvider } from '../src/offline-model/offline-provider.js';
import { createRedis } from '../src/redis/connection.js';
import { chooseProfile } from '../src/verification/choose-profile.js';
import { executabilityScore, type ExecutabilityScore } from '../src/verification/executability-score.js';
import { verifyWorkspace, type VerificationReport } from '../src/verification/verify-workspace.js';
import { WorkerPool } from '../workers/worker-pool.js';
import { describeEnvironment, setUp, silentLogger, tearDown } from './bench-environment.js';

const REQUESTS_DIR = 'examples/requests';
const MAX_REPAIR_ROUNDS = Number(process.env.VERIFY_MAX_REPAIR_ROUNDS ?? 2);

interface Outcome {
  request: string;
  kind: string;
  ended: string;
  report: VerificationReport | null;
  repairs: number;
  score: ExecutabilityScore;
  warmMs: number | null;
  files: Map<string, string>;
}

function commandsLine(report: VerificationReport | null): string {
  if (!report) return 'no verification report';
  if (report.commands.length === 0) return report.summary;
  return report.commands
    .map((command) => {
      const tests = command.tests ? ` ${command.tests.passed}/${command.tests.passed + command.tests.failed}` : '';
      return `${command.label}: ${command.skipped ? 'skipped' : command.passed ? 'ok' : `FAILED (exit ${command.exitCode ?? '-'}${command.limit ? `, ${command.limit}` : ''})`}${tests}`;
    })
    .join('; ');
}

async function runRequest(deps: EngineDeps, redis: Redis, projects: ProjectService, ownerId: string, name: string): Promise<Omit<Outcome, 'warmMs'>> {
  const requirements = await readFile(join(REQUESTS_DIR, name), 'utf8');
  const project = await projects.create({ ownerId, name, requirements });
  const after = await deps.events.lastSeq(project.id);
  const following = followProject(redis, deps.events, project.id, () => undefined, after);
  await projects.execute(project.id);
  const ended = await following;
  const rounds = await deps.verifications.list(project.id);
  const report = rounds[0]?.report ?? null;
  const files = new Map((await deps.artifacts.snapshot(project.id)).map((file) => [file.path, file.content]));
  return {
    request: name,
    kind: analyzeRequest(requirements).kind ?? 'web-app',
    ended,
    report,
    repairs: Math.max(0, rounds.length - 1),
    score: report ? executabilityScore(report) : 1,
    files,
  };
}

/** Verification of a finished workspace again, outside the engine: the time it adds. */
async function timeVerification(files: Map<string, string>, workRoot: string, packageCacheDir: string): Promise<number> {
  const chosen = chooseProfile(files);
  const { report } = await verifyWorkspace({ files, profile: chosen.profile, noProfileReason: chosen.reason, workRoot, packageCacheDir });
  return report.durationMs;
}

async function main(): Promise<void> {
  const env = describeEnvironment();
  const root = await mkdtemp('/var/tmp/zekka-executability-');
  await chmod(root, 0o711);
  const warmCache = join(root, 'cache');
  let database: Database | undefined;
  let redis: Redis | undefined;
  let pool: WorkerPool | undefined;
  let deps: EngineDeps | undefined;
  try {
    await setUp(env);
    database = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 10 });
    redis = createRedis({ url: env.redisUrl, name: 'zekka:bench:executability' });
    deps = createEngineDeps({
      prisma: database.prisma,
      sql: database.sql,
      redis,
      prefix: env.prefix,
      namespace: env.namespace,
      logger: silentLogger,
      models: new SingleProviderRouter(new OfflineProvider()),
      verifyRuns: true,
    });
    const verification = verificationServices(deps, { workRoot: join(root, 'runs'), packageCacheDir: warmCache, maxRepairRounds: MAX_REPAIR_ROUNDS });
    const arbitration = createArbitrationServices({
      env: { ARBITRATION_STRATEGIES: 'merge,human', ARBITRATION_MODELS: undefined, ARBITRATION_MAX_OUTPUT_TOKENS: 16_000, ARBITRATION_MAX_FILE_BYTES: 1_000_000 },
      providers: new Map(),
    });
    pool = new WorkerPool({ deps, arbitration, verification, connection: redis, prefix: env.prefix, queueGlobs: '*', lockDurationMs: 30_000 });
    const owner = await database.prisma.user.create({ data: { email: `bench-${process.pid}@bench.local`, passwordHash: 'x' } });
    const projects = new ProjectService(deps, 100);

    const names = (await readdir(REQUESTS_DIR)).filter((name) => name.endsWith('.md')).sort();
    const outcomes: Outcome[] = [];
    for (const name of names) {
      const started = performance.now();
      const outcome = await runRequest(deps, redis, projects, owner.id, name);
      const warmMs = outcome.report?.profile ? await timeVerification(outcome.files, join(root, 'runs'), warmCache) : null;
      outcomes.push({ ...outcome, warmMs });
      const r = outcome.report;
      console.log(`\n${name} (${outcome.kind}) — ${Math.round((performance.now() - started) / 1000)} s, ended ${outcome.ended}`);
      console.log(`  profile:   ${r?.profileName ?? 'none'}${r && !r.profile ? ` — ${r.summary}` : ''}`);
      console.log(`  commands:  ${commandsLine(r)}`);
      console.log(`  repairs:   ${outcome.repairs} of ${MAX_REPAIR_ROUNDS}`);
      console.log(`  score:     ${outcome.score}/4, runnable: ${outcome.score === 4 ? 'yes' : 'no'}`);
      console.log(`  verify:    ${warmMs === null ? 'n/a (no profile)' : `${(warmMs / 1000).toFixed(1)} s with a warm package cache`}`);
    }

    const coldOf = outcomes.find((outcome) => outcome.report?.profile === 'node-typescript') ?? outcomes.find((outcome) => outcome.report?.profile);
    const coldMs = coldOf ? await timeVerification(coldOf.files, join(root, 'runs'), join(root, 'cold-cache')) : null;
    const runnable = outcomes.filter((outcome) => outcome.score === 4).length;
    const mean = outcomes.reduce((sum, outcome) => sum + outcome.score, 0) / Math.max(outcomes.length, 1);
    console.log('\nTotals');
    console.log(`  requests:          ${outcomes.length}`);
    console.log(`  runnable:          ${runnable}/${outcomes.length} (${((runnable / Math.max(outcomes.length, 1)) * 100).toFixed(0)} %)`);
    console.log(`  executability:     ${mean.toFixed(2)} / 4 (MetaGPT SoftwareDev reports 3.75; ChatDev 0.88 runnable, GPT-Engineer 0.36)`);
    console.log(`  repair rounds:     ${outcomes.reduce((sum, outcome) => sum + outcome.repairs, 0)}`);
    if (coldOf && coldMs !== null) console.log(`  cold cache verify: ${(coldMs / 1000).toFixed(1)} s for ${coldOf.request} (fresh package cache directory)`);
  } finally {
    await pool?.close();
    await deps?.queues.close();
    await redis?.quit();
    await database?.close();
    const { problems } = await tearDown(env);
    for (const problem of problems) console.error(`cleanup: ${problem}`);
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
