/**
 * Shared set-up for the economics tests: the run's database and Redis, and projects with a
 * budget owned by a fresh user. `close()` releases both connections.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openDatabase, type Database } from '../../src/db/database.js';
import type { PrismaClient } from '../../src/db/prisma-types.js';
import { createRedis } from '../../src/redis/connection.js';
import { silentLogger, testDatabaseUrl, testRedisUrl } from '../support/environment.js';

export interface EconomicsFixture {
  database: Database;
  prisma: PrismaClient;
  redis: Redis;
  close(): Promise<void>;
}

export async function openFixture(poolSize = 5): Promise<EconomicsFixture> {
  const database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger, poolSize });
  const redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:economics' });
  return {
    database,
    prisma: database.prisma,
    redis,
    async close() {
      await redis.quit();
      await database.close();
    },
  };
}

export interface TestProject {
  projectId: string;
  userId: string;
  agentRunId: string;
}

/** A user, a project with `budgetMicros`, and one agent run to charge calls to. */
export async function createProject(prisma: PrismaClient, budgetMicros: bigint): Promise<TestProject> {
  const user = await prisma.user.create({ data: { email: `economics-${randomUUID()}@test.local`, passwordHash: 'x' } });
  const project = await prisma.project.create({ data: { ownerId: user.id, name: 'economics', requirements: 'a budget test project', budgetMicros } });
  const stage = await prisma.stageRun.create({ data: { projectId: project.id, stage: 1 } });
  const agentRun = await prisma.agentRun.create({ data: { projectId: project.id, stageRunId: stage.id, agentId: 'requirements-analyst', instanceKey: 'requirements-analyst', jobId: 'job' } });
  return { projectId: project.id, userId: user.id, agentRunId: agentRun.id };
}
