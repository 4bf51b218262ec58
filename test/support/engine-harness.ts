/**
 * An engine wired to the run's PostgreSQL database and Redis namespace, with in-process workers
 * and a model router the test controls. `close()` stops everything it started; the afterEach of
 * each suite calls it, so no worker or connection outlives its test.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createEngineDeps, verificationServices, type EngineDeps } from '../../src/engine/engine-deps.js';
import type { VerificationSettings } from '../../src/verification/verification-settings.js';
import { ProjectService, type CreateProjectInput } from '../../src/engine/project-service.js';
import type { EventType } from '../../src/engine/events/event-schema.js';
import { followProject } from '../../src/cli/progress/follow-project.js';
import type { Logger } from '../../src/logging/logger.js';
import type { CredentialLookup } from '../../src/models/credentials/provider-credentials.js';
import { SingleProviderRouter, type ModelRouter } from '../../src/models/model-router.js';
import { OfflineProvider } from '../../src/offline-model/offline-provider.js';
import type { CompletionRequest, CompletionResult, LlmProvider } from '../../src/models/provider.js';
import { createRedis } from '../../src/redis/connection.js';
import type { RedisTarget } from '../../src/config/redis-env.js';
import type { ModelTier } from '../../src/agents/types.js';
import { WorkerPool } from '../../workers/worker-pool.js';
import { createArbitrationServices, type ArbitrationServices } from '../../src/arbitration/arbitration-services.js';
import { silentLogger, testDatabaseUrl, testNamespace, testQueuePrefix, testRedisUrl } from './environment.js';

/** Wraps the offline model; `intercept` may answer instead (or throw) for chosen calls. */
export class ScriptedProvider implements LlmProvider {
  readonly name = 'offline';
  intercept: ((request: CompletionRequest, offline: () => Promise<CompletionResult>) => Promise<CompletionResult>) | undefined;
  calls = 0;
  private readonly offline: OfflineProvider;

  constructor(latencyMs = 0) {
    this.offline = new OfflineProvider({ latencyMs });
  }

  complete(request: CompletionRequest): Promise<CompletionResult> {
    this.calls++;
    const offline = () => this.offline.complete(request);
    return this.intercept ? this.intercept(request, offline) : offline();
  }
}

export interface Harness {
  deps: EngineDeps;
  database: Database;
  redis: Redis;
  provider: ScriptedProvider;
  projects: ProjectService;
  pool: WorkerPool | undefined;
  ownerId: string;
  startWorkers(): void;
  createProject(input?: Partial<CreateProjectInput> & { requestFile?: string }): Promise<string>;
  /** Resolves with the event that ended (or paused) the project. */
  runToEnd(projectId: string, start?: () => Promise<unknown>): Promise<EventType>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  latencyMs?: number;
  workers?: boolean;
  reviewPollMs?: number;
  /** Default: the run's PostgreSQL database. */
  database?: Database;
  /** The model name each tier's calls are priced as (default `offline-<tier>`, free). */
  modelForTier?: (tier: ModelTier) => string;
  /** The context window (tokens) of each tier's model; default: the offline model's. */
  contextWindow?: (tier: ModelTier) => number;
  /** Replaces the scripted single-provider router (e.g. a TieredRouter over fake provider servers). */
  models?: ModelRouter;
  /** Project owners' own provider keys; none by default. */
  credentials?: CredentialLookup;
  logger?: Logger;
  /** How the in-process pool settles conflicts; default merge → human (no model is asked). */
  arbitration?: ArbitrationServices;
  /** Verify each run's software in the sandbox (src/verification); default: runs end unverified. */
  verification?: Omit<VerificationSettings, 'records'>;
  /** Fair-share priorities on the agent queues (default on, as in production). */
  fairShare?: boolean;
  /** AGENT_MAX_ACTIVE_PER_PROJECT (default 0: no bound). */
  maxActiveAgentsPerProject?: number;
  /** Each agent queue's concurrency in the in-process pool (default: the catalogue's). */
  agentConcurrency?: number;
  /** Default: the run's Redis (TEST_REDIS_URL); the failover tests (test/ha) pass a Sentinel group or a Cluster. */
  redisTarget?: RedisTarget;
}

/** Merge, then a person: what a harness arbitrates with unless the test gives its chain. */
/** A harness that does not verify still serves the verify queue (nothing enqueues to it). */
const UNUSED_VERIFICATION = { workRoot: '/var/tmp/zekka-test-verify', packageCacheDir: '/var/tmp/zekka-test-verify-cache', maxRepairRounds: 0 };

export function mergeThenPerson(): ArbitrationServices {
  return createArbitrationServices({
    env: { ARBITRATION_STRATEGIES: 'merge,human', ARBITRATION_MODELS: undefined, ARBITRATION_MAX_OUTPUT_TOKENS: 16_000, ARBITRATION_MAX_FILE_BYTES: 1_000_000 },
    providers: new Map(),
  });
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database =
    options.database ?? (await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize: 20 }));
  const redis = createRedis({ url: testRedisUrl(), target: options.redisTarget, name: 'zekka:test' });
  const provider = new ScriptedProvider(options.latencyMs ?? 0);
  const deps = createEngineDeps({
    prisma: database.prisma,
    sql: database.sql,
    redis,
    prefix: testQueuePrefix(),
    namespace: testNamespace(),
    logger: options.logger ?? silentLogger,
    models: options.models ?? new SingleProviderRouter(provider, options.modelForTier),
    credentials: options.credentials,
    limits: { reviewPollMs: options.reviewPollMs ?? 60_000, ...(options.contextWindow ? { contextWindow: options.contextWindow } : {}) },
    verifyRuns: options.verification !== undefined,
    fairShare: options.fairShare,
    maxActiveAgentsPerProject: options.maxActiveAgentsPerProject,
  });
  const owner = await database.prisma.user.create({ data: { email: `owner-${randomUUID()}@test.local`, passwordHash: 'x' } });
  const harness: Harness = {
    deps,
    database,
    redis,
    provider,
    projects: new ProjectService(deps, 10),
    pool: undefined,
    ownerId: owner.id,
    startWorkers() {
      harness.pool ??= new WorkerPool({ deps, arbitration: options.arbitration ?? mergeThenPerson(), verification: verificationServices(deps, options.verification ?? UNUSED_VERIFICATION), connection: redis, prefix: testQueuePrefix(), queueGlobs: '*', lockDurationMs: 5_000, agentConcurrency: options.agentConcurrency });
    },
    async createProject(input = {}) {
      const requirements = input.requirements ?? (await readFile(input.requestFile ?? 'examples/todo-app.md', 'utf8'));
      const project = await harness.projects.create({ ownerId: owner.id, name: input.name ?? 'test project', requirements, budgetUsd: input.budgetUsd, options: input.options });
      return project.id;
    },
    async runToEnd(projectId, start = () => harness.projects.execute(projectId)) {
      const after = await deps.events.lastSeq(projectId);
      const following = followProject(redis, deps.events, projectId, () => undefined, after);
      await start();
      return following;
    },
    async close() {
      await harness.pool?.close();
      await deps.queues.close();
      await redis.quit();
      await database.close();
    },
  };
  if (options.workers !== false) harness.startWorkers();
  return harness;
}
