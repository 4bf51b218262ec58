/**
 * A run's cancel flag on the context bus: every processor checks it before it starts work and
 * before it writes. It holds the cancelled run's id, so a new run of the project is not affected.
 * (The project's status itself lives in PostgreSQL only: src/engine/project-lifecycle.ts.)
 */
import type { Redis } from 'ioredis';
import { projectKeys } from '../redis/keys.js';

const TTL_SECONDS = 7 * 24 * 3600;

export class ProjectState {
  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
  ) {}

  private key(projectId: string): string {
    return projectKeys(projectId, this.namespace).cancelled;
  }

  async markCancelled(projectId: string, runId: string): Promise<void> {
    await this.redis.set(this.key(projectId), runId, 'EX', TTL_SECONDS);
  }

  async clearCancelled(projectId: string): Promise<void> {
    await this.redis.del(this.key(projectId));
  }

  /** True when the run `runId` of the project was cancelled. */
  async isCancelled(projectId: string, runId: string): Promise<boolean> {
    return (await this.redis.get(this.key(projectId))) === runId;
  }
}
