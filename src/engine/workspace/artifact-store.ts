/**
 * Versioned files in PostgreSQL: the shared workspace every agent writes to.
 *
 * A write names the version it edited (`baseVersion`, null for a new file) and the fencing token
 * of the lock it holds. It is applied only if the file is still at that version and no writer with
 * a newer token has written it since; otherwise the caller learns the file moved (a code conflict)
 * or that its lock is stale. Writing the same content again as the same author is a no-op, which
 * makes a retried agent job idempotent.
 */
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma-types.js';
import { isUniqueViolation } from '../../db/prisma-types.js';
import { StaleLockError } from '../../errors/app-error.js';

export const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');

export interface WriteRequest {
  projectId: string;
  path: string;
  content: string;
  baseVersion: number | null;
  fenceToken: number;
  author: string;
  agentRunId?: string;
  stage: number;
}

export type WriteOutcome =
  | { kind: 'written'; version: number }
  | { kind: 'unchanged'; version: number }
  | { kind: 'moved'; currentVersion: number; currentContent: string };

export interface FileVersion {
  path: string;
  version: number;
}

export class ArtifactStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** For each file, the newest version written by a stage before `stage`: what that stage's agents start from. */
  async versionsBeforeStage(projectId: string, stage: number): Promise<FileVersion[]> {
    const rows = await this.prisma.artifactVersion.groupBy({
      by: ['artifactId'],
      where: { artifact: { projectId }, stage: { lt: stage } },
      _max: { version: true },
    });
    if (rows.length === 0) return [];
    const artifacts = await this.prisma.artifact.findMany({
      where: { id: { in: rows.map((r) => r.artifactId) } },
      select: { id: true, path: true },
    });
    const pathById = new Map(artifacts.map((a) => [a.id, a.path]));
    return rows
      .map((r) => ({ path: pathById.get(r.artifactId) ?? '', version: r._max.version ?? 0 }))
      .filter((f) => f.path !== '')
      .sort((a, b) => a.path.localeCompare(b.path));
  }

  async readVersions(projectId: string, files: readonly FileVersion[]): Promise<Map<string, string>> {
    if (files.length === 0) return new Map();
    const rows = await this.prisma.artifactVersion.findMany({
      where: { artifact: { projectId }, OR: files.map((f) => ({ artifact: { path: f.path }, version: f.version })) },
      select: { content: true, artifact: { select: { path: true } } },
    });
    return new Map(rows.map((r) => [r.artifact.path, r.content]));
  }

  async current(projectId: string, path: string): Promise<{ version: number; content: string } | undefined> {
    const artifact = await this.prisma.artifact.findUnique({ where: { projectId_path: { projectId, path } }, select: { id: true, currentVersion: true } });
    if (!artifact) return undefined;
    const version = await this.prisma.artifactVersion.findUniqueOrThrow({
      where: { artifactId_version: { artifactId: artifact.id, version: artifact.currentVersion } },
      select: { content: true },
    });
    return { version: artifact.currentVersion, content: version.content };
  }

  /** Every current file of a project, with its content. */
  async snapshot(projectId: string): Promise<{ path: string; version: number; content: string; sha256: string }[]> {
    const artifacts = await this.prisma.artifact.findMany({
      where: { projectId },
      orderBy: { path: 'asc' },
      select: { path: true, currentVersion: true, sha256: true, versions: { orderBy: { version: 'desc' }, take: 1, select: { content: true } } },
    });
    return artifacts.map((a) => ({ path: a.path, version: a.currentVersion, sha256: a.sha256, content: a.versions[0]?.content ?? '' }));
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const hash = sha256(request.content);
    const { projectId, path } = request;
    const existing = await this.prisma.artifact.findUnique({
      where: { projectId_path: { projectId, path } },
      select: { id: true, currentVersion: true, lockFence: true, versions: { where: { author: request.author, sha256: hash, stage: request.stage }, take: 1, select: { version: true } } },
    });
    if (!existing) {
      if (request.baseVersion !== null) throw new Error(`file ${path} vanished (base version ${request.baseVersion})`);
      try {
        await this.prisma.artifact.create({
          data: {
            projectId,
            path,
            currentVersion: 1,
            sha256: hash,
            lockFence: BigInt(request.fenceToken),
            versions: { create: { version: 1, content: request.content, sha256: hash, author: request.author, agentRunId: request.agentRunId, stage: request.stage } },
          },
        });
        return { kind: 'written', version: 1 };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        return this.moved(projectId, path);
      }
    }
    const previous = existing.versions[0];
    if (previous) return { kind: 'unchanged', version: previous.version };
    if (existing.lockFence > BigInt(request.fenceToken)) throw new StaleLockError(path);
    if (existing.currentVersion !== request.baseVersion) return this.moved(projectId, path);

    // One statement, so one round trip: the update applies only if nobody moved the file or wrote
    // it with a newer token, and the version row is inserted only if the update applied.
    const next = existing.currentVersion + 1;
    const token = BigInt(request.fenceToken);
    const inserted = await this.prisma.$queryRaw<{ version: number }[]>`
      WITH advanced AS (
        UPDATE "Artifact" SET "currentVersion" = ${next}, "sha256" = ${hash}, "lockFence" = ${token}, "updatedAt" = now()
        WHERE "id" = ${existing.id}::uuid AND "currentVersion" = ${existing.currentVersion} AND "lockFence" <= ${token}
        RETURNING "id"
      )
      INSERT INTO "ArtifactVersion" ("id", "artifactId", "version", "content", "sha256", "author", "agentRunId", "stage", "createdAt")
      SELECT gen_random_uuid(), "id", ${next}, ${request.content}, ${hash}, ${request.author}, ${request.agentRunId ?? null}::uuid, ${request.stage}, now() FROM advanced
      RETURNING "version"`;
    if (inserted.length === 0) throw new StaleLockError(path);
    return { kind: 'written', version: next };
  }

  private async moved(projectId: string, path: string): Promise<WriteOutcome> {
    const current = await this.current(projectId, path);
    if (!current) throw new Error(`file ${path} vanished while writing`);
    return { kind: 'moved', currentVersion: current.version, currentContent: current.content };
  }
}
