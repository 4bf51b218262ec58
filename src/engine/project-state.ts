/**
 * The project's live state on the context bus: a hash of status fields, the set of active agent
 * instances, and a cancel flag every processor checks. PostgreSQL holds the truth;
 * `rebuild` recreates all of it from there (e.g. after Redis lost its data).
 */
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../db/prisma-types.js';
import { projectKeys } from '../redis/keys.js';
import { runScript } from '../redis/run-script.js';

const TTL_SECONDS = 7 * 24 * 3600;

// KEYS[1] the project's active agents; ARGV[1] instance key, ARGV[2] ttl seconds.
const AGENT_STARTED = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
`;

export class ProjectState {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private keys(projectId: string) {
    return projectKeys(projectId, this.namespace);
  }

  async set(projectId: string, fields: Record<string, string | number>): Promise<void> {
    const { state } = this.keys(projectId);
    await this.redis.multi().hset(state, fields).expire(state, TTL_SECONDS).exec();
  }

  async get(projectId: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys(projectId).state);
  }

  /** One script, not MULTI/SADD/EXPIRE/EXEC: every agent job passes here. */
  async agentStarted(projectId: string, instanceKey: string): Promise<void> {
    await runScript(this.redis, AGENT_STARTED, [this.keys(projectId).agents], [instanceKey, TTL_SECONDS]);
  }

  async agentFinished(projectId: string, instanceKey: string): Promise<void> {
    await this.redis.srem(this.keys(projectId).agents, instanceKey);
  }

  async activeAgents(projectId: string): Promise<string[]> {
    return this.redis.smembers(this.keys(projectId).agents);
  }

  async markCancelled(projectId: string, runId: string): Promise<void> {
    await this.redis.set(this.keys(projectId).cancelled, runId, 'EX', TTL_SECONDS);
  }

  async clearCancelled(projectId: string): Promise<void> {
    await this.redis.del(this.keys(projectId).cancelled);
  }

  /** True when the run `runId` of the project was cancelled. */
  async isCancelled(projectId: string, runId: string): Promise<boolean> {
    return (await this.redis.get(this.keys(projectId).cancelled)) === runId;
  }

  /** Recreates the Redis state of a project from PostgreSQL. */
  async rebuild(prisma: PrismaClient, projectId: string): Promise<void> {
    const project = await prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    const running = await prisma.agentRun.findMany({ where: { projectId, status: 'running' }, select: { instanceKey: true } });
    const keys = this.keys(projectId);
    const tx = this.redis.multi().del(keys.state, keys.agents);
    tx.hset(keys.state, {
      status: project.status,
      runId: project.runId ?? '',
      currentStage: project.currentStage ?? 0,
      budgetMicros: project.budgetMicros.toString(),
      spentMicros: project.spentMicros.toString(),
    });
    tx.expire(keys.state, TTL_SECONDS);
    if (running.length > 0) tx.sadd(keys.agents, ...running.map((r) => r.instanceKey)).expire(keys.agents, TTL_SECONDS);
    if (project.status === 'cancelled' && project.runId) tx.set(keys.cancelled, project.runId, 'EX', TTL_SECONDS);
    await tx.exec();
  }
}
