/**
 * Everything the engine's services need, passed explicitly (tests build their own).
 * `createEngineDeps` wires the production defaults around a Prisma client and a Redis connection.
 */
import type { Redis } from 'ioredis';
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
import { ProjectLifecycle } from './project-lifecycle.js';
import { ProjectState } from './project-state.js';
import { FileLocks } from './workspace/file-locks.js';
import { ArtifactStore } from './workspace/artifact-store.js';
import { StageSnapshotCache } from './workspace/stage-snapshot-cache.js';
import { VerificationRecords } from '../verification/verification-records.js';
import type { VerificationSettings } from '../verification/verification-settings.js';

export interface EngineLimits {
  /** Characters of earlier artifacts an agent reads as context. */
  contextChars: number;
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
  agentRuns: AgentRunRecords;
  stageRuns: StageRunRecords;
  limits: EngineLimits;
  /** Verification of the software each run wrote (src/verification); undefined: runs end unverified. */
  verification?: VerificationSettings;
}

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
  verification?: Omit<VerificationSettings, 'records'>;
}

export function createEngineDeps(input: EngineDepsInput): EngineDeps {
  const sql = input.sql ?? prismaExecutor(input.prisma);
  const artifacts = new ArtifactStore(input.prisma, sql);
  const events = new EventBus(input.redis, input.namespace);
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
    queues: new QueueRegistry(input.queueRedis ?? input.redis, input.prefix, input.logger),
    events,
    lifecycle: new ProjectLifecycle({ sql, events }),
    state: new ProjectState(input.redis, input.namespace),
    locks: new FileLocks({ redis: input.redis, namespace: input.namespace, leaseMs: input.lockLeaseMs, waitMs: input.lockWaitMs }),
    artifacts,
    snapshots: new StageSnapshotCache(artifacts),
    agentRuns: new AgentRunRecords(sql),
    stageRuns: new StageRunRecords(sql),
    limits: { contextChars: 24_000, reviewPollMs: 60_000, ...input.limits },
    verification: input.verification ? { ...input.verification, records: new VerificationRecords(sql) } : undefined,
  };
}
