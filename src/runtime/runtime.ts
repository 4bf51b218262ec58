/**
 * Boots what every Zekka process shares: configuration, logger, shutdown manager, database,
 * Redis and the engine's dependencies. Shutdown handlers are registered in the order the
 * resources must close (processes add theirs — HTTP, workers — before calling `start`).
 */
import { resolve } from 'node:path';
import type { Redis } from 'ioredis';
import { parseEnv, type Env } from '../config/env.js';
import { resolveJwtSecret, type JwtSecretPolicy } from '../config/jwt-secret.js';
import { describeDatabaseUrl, openDatabase, type Database } from '../db/database.js';
import { PendingMigrationsError } from '../db/migrator.js';
import { createEngineDeps, verificationServices, type EngineDeps } from '../engine/engine-deps.js';
import type { VerificationSettings } from '../verification/verification-settings.js';
import { ShutdownManager } from '../lifecycle/shutdown-manager.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { spendCapConfig } from '../economics/user-spend.js';
import { createPriceTable } from '../economics/pricing.js';
import { createModelRouter } from '../models/router/create-router.js';
import { tierContextWindow } from '../models/model-catalog.js';
import { OfflineProvider } from '../offline-model/offline-provider.js';
import { OwnerCredentials } from '../models/credentials/owner-credentials.js';
import { parseKeyring, ProviderKeyVault } from '../models/credentials/provider-key-vault.js';
import { createRedis } from '../redis/connection.js';
import { redisTarget } from '../config/redis-env.js';

export interface Runtime {
  env: Env;
  logger: Logger;
  shutdown: ShutdownManager;
  database: Database;
  /** BullMQ's connection (queues, flows, workers). */
  redis: Redis;
  /** The context bus (src/redis/connection.ts): `deps.redis`. */
  bus: Redis;
  deps: EngineDeps;
  /** What this process's verify processor runs with (always built: a worker serves leftover verify jobs too). */
  verification: VerificationSettings;
}

export interface RuntimeOptions {
  service: string;
  /** Single-process modes may fall back to the embedded database (and migrate it). */
  allowEmbedded: boolean;
  /** Whether JWT_SECRET must be set, may be generated (`zekka dev`) or is not needed (src/config/jwt-secret.ts). */
  jwtSecret: JwtSecretPolicy;
  env?: Env;
  logLevel?: string;
  onExit?: (code: number) => void;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const parsed = options.env ?? parseEnv();
  // Before any connection is opened: a missing secret stops the process at once (exit 2).
  const env: Env = { ...parsed, JWT_SECRET: await resolveJwtSecret(parsed, options.jwtSecret) };
  const logger = createLogger({ level: options.logLevel ?? env.LOG_LEVEL, service: options.service });
  const shutdown = new ShutdownManager({ logger, onExit: options.onExit });
  // Workers and arbitrators wait out a PostgreSQL restart (their jobs resume where they were);
  // the API answers 503 at once instead of holding requests, and gives up on a silent host sooner.
  const waitsOutOutages = options.service === 'worker' || options.service === 'arbitrator';
  const database = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.ZEKKA_DATA_DIR,
    allowEmbedded: options.allowEmbedded,
    migrate: options.allowEmbedded && !env.DATABASE_URL,
    logger,
    poolSize: env.DATABASE_POOL_SIZE,
    outageWaitMs: waitsOutOutages ? env.DATABASE_OUTAGE_WAIT_MS : 0,
    connectTimeoutMs: options.service === 'api' ? 3_000 : undefined,
  });
  await refuseUnmigrated(database, env.DATABASE_URL);
  // The API answers 503 at once while Redis is down instead of holding requests until it is back;
  // workers and arbitrators wait for it (BullMQ's own loops retry).
  const failFast = options.service === 'api';
  const redis = createRedis({ target: redisTarget(env), name: `zekka:${options.service}`, failFast, logger });
  const bus = createRedis({ target: redisTarget(env), name: `zekka:${options.service}:bus`, failFast, autoPipelining: true, logger });
  const prices = createPriceTable(env.MODEL_PRICES);
  const { router: models, catalog } = createModelRouter({
    env,
    redis: bus,
    price: (ref, usage) => prices.costMicros(ref.model, usage, ref.provider),
    onAttempt: (attempt) => logger.debug('model attempt', { ...attempt }),
    offline: new OfflineProvider({ latencyMs: env.OFFLINE_LATENCY_MS }),
  });
  // Same keyring as the API: workers and arbitrators decrypt project owners' own provider keys.
  const keyring = parseKeyring(env.PROVIDER_KEYS_ENCRYPTION_KEY);
  const credentials = new OwnerCredentials({ prisma: database.prisma, opener: keyring ? new ProviderKeyVault(database.prisma, keyring) : undefined });
  const deps = createEngineDeps({
    prisma: database.prisma,
    sql: database.sql,
    redis: bus,
    queueRedis: redis,
    prefix: env.QUEUE_PREFIX,
    namespace: env.REDIS_NAMESPACE,
    logger,
    models,
    prices,
    spendCap: spendCapConfig(env.USER_SPEND_CAP_USD),
    credentials,
    lockLeaseMs: env.FILE_LOCK_LEASE_MS,
    lockWaitMs: env.FILE_LOCK_WAIT_MS,
    verifyRuns: env.VERIFY_SOFTWARE,
    limits: { contextWindow: (tier) => tierContextWindow(catalog[tier], env) },
    fairShare: env.AGENT_FAIR_SHARE,
    maxActiveAgentsPerProject: env.AGENT_MAX_ACTIVE_PER_PROJECT,
  });
  return { env, logger, shutdown, database, redis, bus, deps, verification: verificationServices(deps, verificationSettings(env)) };
}

/**
 * Where verifications run and the package cache they share (absolute: the sandbox changes
 * directory). The sandbox mounts a private /tmp, which would hide a directory under it: a data
 * directory under /tmp (a demo run from a scratch folder) verifies under /var/tmp instead.
 */
function verificationSettings(env: Env): { workRoot: string; packageCacheDir: string; maxRepairRounds: number; wallMsCap?: number } {
  const outsideTmp = (path: string, fallback: string): string => (path === '/tmp' || path.startsWith('/tmp/') ? fallback : path);
  return {
    workRoot: env.VERIFY_WORK_DIR ? resolve(env.VERIFY_WORK_DIR) : outsideTmp(resolve(env.ZEKKA_DATA_DIR, 'verify'), '/var/tmp/zekka-verify'),
    packageCacheDir: env.VERIFY_CACHE_DIR ? resolve(env.VERIFY_CACHE_DIR) : outsideTmp(resolve(env.ZEKKA_DATA_DIR, 'verify-cache'), '/var/tmp/zekka-verify-cache'),
    maxRepairRounds: env.VERIFY_MAX_REPAIR_ROUNDS,
    wallMsCap: env.VERIFY_COMMAND_MAX_MS,
  };
}

/**
 * A process that did not migrate (every process on DATABASE_URL: Kubernetes and compose run
 * `zekka db migrate` as a job before them) refuses a database with pending migrations instead of
 * answering ready and then 500 on every request. Readiness keeps checking (src/db/database.ts).
 */
async function refuseUnmigrated(database: Database, url: string | undefined): Promise<void> {
  if (database.migration) return;
  const pending = await database.pendingMigrations().catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  if (pending.length === 0) return;
  await database.close();
  throw new PendingMigrationsError(url ? describeDatabaseUrl(url) : 'embedded in ZEKKA_DATA_DIR', pending);
}

/** Registers the closing of the shared resources; call after the process registered its own. */
export function registerRuntimeShutdown(runtime: Runtime): void {
  runtime.shutdown.register('queue handles', () => runtime.deps.queues.close());
  runtime.shutdown.register('database', () => runtime.database.close());
  runtime.shutdown.register('redis', async () => {
    await Promise.all([runtime.redis.quit(), runtime.bus.quit()]);
  });
}
