/**
 * Everything the engine's services need, passed explicitly (tests build their own).
 * `createEngineDeps` wires the production defaults around a Prisma client and a Redis connection.
 */
import type { Redis } from 'ioredis';
import type { ModelTier } from '../agents/types.js';
import { DEFAULT_CONTEXT_WINDOWS } from '../models/model-catalog.js';
import { DEFAULT_USER_SPEND_CAP_USD } from '../config/env.js';
import type { PrismaClient } from '../db/prisma-types.js';
import { prismaExecutor, type SqlExecutor } from '../db/sql-executor.js';
import type { Logger } from '../logging/logger.js';
import type { CredentialLookup } from '../models/credentials/provider-credentials.js';
import type { ModelRouter } from '../models/model-router.js';
import { createPriceTable, type PriceTable } from '../economics/pricing.js';
import { spendCapConfig, type SpendCapConfig } from '../economics/user-spend.js';
import { QueueRegistry } from '../../queues/queue-registry.js';
import { AgentRunRecords } from './agent-run-records.js';
import { StageRunRecords } from './stage-run-records.js';
import { EventBus } from './events/event-bus.js';
import { FairShare } from './fair-share.js';
import { AgentSlotCap } from './agent-slot-cap.js';
import { ProjectLifecycle } from './project-lifecycle.js';
import { ProjectState } from './project-state.js';
import { FileLocks } from './workspace/file-locks.js';
import { ArtifactStore } from './workspace/artifact-store.js';
import { StageSnapshotCache } from './workspace/stage-snapshot-cache.js';
import { FileFactsCache } from './context/file-facts.js';
import { VerificationRecords } from '../verification/verification-records.js';
import type { VerificationSettings } from '../verification/verification-settings.js';

export interface EngineLimits {
  /**
   * The context window (tokens) an agent of this tier can count on; its map and files are sized to
   * it (src/engine/context/). Production: the smallest window of the tier's models (model-catalog.ts).
   */
  contextWindow: (tier: ModelTier) => number;
  /** How often an arbitration job waiting for a human checks back. */
  reviewPollMs: number;
}

export interface EngineDeps {
  prisma: PrismaClient;
  /** Plain SQL on the same database, for statements every agent job runs. */
  sql: SqlExecutor;
  /** The context bus: events, project state, file locks, budgets. */
  redis: Redis;
  namespace: string;
  logger: Logger;
  models: ModelRouter;
  /** Project owners' own provider keys (src/models/credentials/owner-credentials.ts); none without it. */
  credentials?: CredentialLookup;
  /** Model prices (micro-dollars per 1M tokens); every call's cost is charged against the project budget. */
  prices: PriceTable;
  /** The accounts' monthly spending cap (src/economics/user-spend.ts); every call is held against its owner's. */
  spendCap: SpendCapConfig;
  queues: QueueRegistry;
  events: EventBus;
  /** The one writer of a project's status (src/engine/project-lifecycle.ts). */
  lifecycle: ProjectLifecycle;
  /** The cancel flag every processor checks. */
  state: ProjectState;
  locks: FileLocks;
  artifacts: ArtifactStore;
  snapshots: StageSnapshotCache;
  /** Each file version's summary and token count, computed once (src/engine/context/file-facts.ts). */
  fileFacts: FileFactsCache;
  agentRuns: AgentRunRecords;
  stageRuns: StageRunRecords;
  limits: EngineLimits;
  /** Whether each run's flow includes the verify job (VERIFY_SOFTWARE); every process of a deployment agrees. */
  verifyRuns: boolean;
  /** The Verification table (the root reads a run's last round; the API shows them). */
  verifications: VerificationRecords;
  /** Priorities that interleave projects on the agent queues (src/engine/fair-share.ts). */
  fairShare: FairShare;
  /** The bound on one project's running agent jobs while others run agents (src/engine/agent-slot-cap.ts). */
  slotCap: AgentSlotCap;
}

/*
 * The services each part of the engine needs, named. `EngineDeps` is the composition root a
 * process builds once; every runner declares the services it uses (below), so the compiler keeps a
 * part from reaching for more, and a test can hand a part only what it needs.
 */
/** PostgreSQL: Prisma for rare statements, plain SQL for the hot paths. */
export type StoreDeps = Pick<EngineDeps, 'prisma' | 'sql'>;
/** The context bus: Redis and its namespace, events, the cancel flag. */
export type BusDeps = Pick<EngineDeps, 'redis' | 'namespace' | 'events' | 'state'>;
/** The workspace: versioned files, their locks, the stage snapshot cache, the files' facts. */
export type WorkspaceDeps = Pick<EngineDeps, 'locks' | 'artifacts' | 'snapshots' | 'fileFacts'>;
/** A run's records: agent runs, stage runs, and the project's lifecycle (its status). */
export type RunRecordDeps = Pick<EngineDeps, 'agentRuns' | 'stageRuns' | 'lifecycle'>;
/** Money: model prices and the accounts' spending caps (budgets live on the bus). */
export type BudgetDeps = Pick<EngineDeps, 'prices' | 'spendCap'>;
/** Models: the router and the owners' own provider keys. */
export type ModelDeps = Pick<EngineDeps, 'models' | 'credentials'>;
type Basics = Pick<EngineDeps, 'logger' | 'queues' | 'limits'>;

/** An agent job: the model call, paid for, its files written under locks, its run recorded. */
export type AgentExecutionDeps = StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Basics;
/** A stage job: selection, dispatch, the collect step's judgement. No model, no money. */
export type StageDeps = StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Basics & Pick<EngineDeps, 'fairShare'>;
/** The root job: the manifest, the totals, the run's end. */
export type FinisherDeps = StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'verifications'>;
/** The verify job: the sandbox and its repairs (added as agent jobs). */
export type VerifyDeps = StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Basics & Pick<EngineDeps, 'fairShare'>;
/** Projects: create, execute, resume, cancel, accept (the API, the demo). */
export type ProjectServiceDeps = StoreDeps & BusDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues' | 'verifyRuns'>;
/** An arbitration job (with its ArbitrationServices, a parameter of its own): merges, and the LLM strategies' calls, paid for. */
export type ArbitrationDeps = StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & BudgetDeps & ModelDeps & Basics;

export interface EngineDepsInput {
  prisma: PrismaClient;
  /** Plain SQL for the hot path (`Database.sql`); without it, the same statements go through Prisma's raw API. */
  sql?: SqlExecutor;
  redis: Redis;
  /** BullMQ's connection for the producers (default `redis`); must not auto-pipeline (src/redis/connection.ts). */
  queueRedis?: Redis;
  prefix: string;
  namespace: string;
  logger: Logger;
  models: ModelRouter;
  credentials?: CredentialLookup;
  prices?: PriceTable;
  /** Default: the default of USER_SPEND_CAP_USD. */
  spendCap?: SpendCapConfig;
  limits?: Partial<EngineLimits>;
  /** A file lock's lease: how long a crashed agent can keep a file from others (default 5 s). */
  lockLeaseMs?: number;
  /** How long an agent waits for a file another agent holds before recording a resource conflict (default 30 s). */
  lockWaitMs?: number;
  /** Runs include the verify job (default false); the settings the verify processor runs with are the pool's. */
  verifyRuns?: boolean;
  /** Agent jobs get fair-share priorities so projects interleave on the agent queues (AGENT_FAIR_SHARE, default true). */
  fairShare?: boolean;
  /** AGENT_MAX_ACTIVE_PER_PROJECT: agent jobs one project runs at once while others run agents (default 0: no bound). */
  maxActiveAgentsPerProject?: number;
}

/** The settings a pool's verify processor runs with: where, the shared cache, the rounds. */
export function verificationServices(deps: Pick<EngineDeps, 'verifications'>, settings: Omit<VerificationSettings, 'records'>): VerificationSettings {
  return { ...settings, records: deps.verifications };
}

export function createEngineDeps(input: EngineDepsInput): EngineDeps {
  const sql = input.sql ?? prismaExecutor(input.prisma);
  const artifacts = new ArtifactStore(input.prisma, sql);
  const events = new EventBus(input.redis, input.namespace);
  const queues = new QueueRegistry(input.queueRedis ?? input.redis, input.prefix, input.logger);
  const slotCap = new AgentSlotCap({ redis: input.redis, namespace: input.namespace, maxActivePerProject: input.maxActiveAgentsPerProject ?? 0, logger: input.logger });
  return {
    prisma: input.prisma,
    sql,
    redis: input.redis,
    namespace: input.namespace,
    logger: input.logger,
    models: input.models,
    credentials: input.credentials,
    prices: input.prices ?? createPriceTable(),
    spendCap: input.spendCap ?? spendCapConfig(DEFAULT_USER_SPEND_CAP_USD),
    queues,
    events,
    lifecycle: new ProjectLifecycle({ sql, events }),
    state: new ProjectState(input.redis, input.namespace),
    locks: new FileLocks({ redis: input.redis, namespace: input.namespace, leaseMs: input.lockLeaseMs, waitMs: input.lockWaitMs }),
    artifacts,
    snapshots: new StageSnapshotCache(artifacts),
    fileFacts: new FileFactsCache(),
    agentRuns: new AgentRunRecords(sql),
    stageRuns: new StageRunRecords(sql),
    limits: { contextWindow: () => DEFAULT_CONTEXT_WINDOWS.offline, reviewPollMs: 60_000, ...input.limits },
    verifyRuns: input.verifyRuns ?? false,
    verifications: new VerificationRecords(sql),
    fairShare: new FairShare({ redis: input.redis, namespace: input.namespace, queues, enabled: input.fairShare ?? true, slotCap }),
    slotCap,
  };
}
