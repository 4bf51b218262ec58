/**
 * Versioned files in PostgreSQL: the shared workspace every agent writes to.
 *
 * A write names the version it edited (`baseVersion`, null for a new file) and the fencing token
 * of the lock it holds. It is applied only if the file is still at that version and no writer with
 * a newer token has written it since; otherwise the caller learns the file moved (a code conflict)
 * or that its lock is stale. Writing the same content again as the same author is a no-op, which
 * makes a retried agent job idempotent.
 *
 * An agent's files are written together by the `zekka_write_artifacts` function (its migration
 * holds the rules in SQL): one round trip and one transaction per agent, whatever it wrote. The
 * same statement can record the agent's run as completed when every file was written (or was
 * already there): a conflict or a stale lock leaves the run to be completed once it is recorded.
 */
import { createHash } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma-types.js';
import { prismaExecutor, type SqlExecutor } from '../../db/sql-executor.js';
import { StaleLockError } from '../../errors/app-error.js';
import { completeRunSql, type CompletedAgentRun } from '../agent-run-records.js';

export const sha256 = (content: string): string => createHash('sha256').update(content).digest('hex');

export interface FileWrite {
  path: string;
  content: string;
  baseVersion: number | null;
  fenceToken: number;
}

/** Files written by one author in one stage. */
export interface WriteBatch {
  projectId: string;
  author: string;
  agentRunId?: string;
  stage: number;
  files: readonly FileWrite[];
}

export type WriteRequest = FileWrite & Omit<WriteBatch, 'files'>;

export type WriteOutcome =
  | { kind: 'written'; version: number }
  | { kind: 'unchanged'; version: number }
  | { kind: 'moved'; currentVersion: number; currentContent: string };

export interface FileVersion {
  path: string;
  version: number;
}

/** Every file as the stages before one stage left it. */
export interface StageInputs {
  versions: FileVersion[];
  contents: Map<string, string>;
}

interface WriteRow {
  file_path: string;
  outcome: 'written' | 'unchanged' | 'moved' | 'stale' | 'vanished';
  file_version: number | null;
  current_content: string | null;
}

export class ArtifactStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlExecutor = prismaExecutor(prisma),
  ) {}

  /** For each file, the newest version written by a stage before `stage`: what that stage's agents start from. */
  async stageInputs(projectId: string, stage: number): Promise<StageInputs> {
    const rows = await this.sql.query<{ path: string; version: number; content: string }>(
      // Per file, walk its versions newest first (the artifactId+version index) and stop at the first
      // one an earlier stage wrote: no sort of every version of every file, no content read twice.
      `SELECT a."path", v."version", v."content"
         FROM "Artifact" a
         CROSS JOIN LATERAL (
           SELECT v."version", v."content" FROM "ArtifactVersion" v
            WHERE v."artifactId" = a."id" AND v."stage" < $2
            ORDER BY v."version" DESC LIMIT 1
         ) v
        WHERE a."projectId" = $1::uuid`,
      [projectId, stage],
    );
    // Sorted here, not by PostgreSQL, so the order does not depend on the database's collation.
    const versions = rows.map((r) => ({ path: r.path, version: r.version })).sort((a, b) => a.path.localeCompare(b.path));
    return { versions, contents: new Map(rows.map((r) => [r.path, r.content])) };
  }

  /**
   * The files others changed since these authors last wrote: each file whose current version another
   * author wrote after the authors' newest version (none when they never wrote). What a repeated
   * instance (a repair) should look at again.
   */
  // `>=`: versions carry millisecond timestamps, and another agent's write in the same millisecond
  // as this instance's last one is as likely after it as before (a hint for the context, not a rule).
  async changedSince(projectId: string, authors: readonly string[]): Promise<string[]> {
    const rows = await this.sql.query<{ path: string }>(
      `WITH mine AS (
         SELECT max(w."createdAt") AS at FROM "ArtifactVersion" w JOIN "Artifact" b ON b."id" = w."artifactId"
          WHERE b."projectId" = $1::uuid AND w."author" = ANY($2::text[])
       )
       SELECT a."path" FROM "Artifact" a
         JOIN "ArtifactVersion" v ON v."artifactId" = a."id" AND v."version" = a."currentVersion"
         CROSS JOIN mine
        WHERE a."projectId" = $1::uuid AND v."author" <> ALL($2::text[]) AND v."createdAt" >= mine.at`,
      [projectId, authors],
    );
    return rows.map((row) => row.path).sort((a, b) => a.localeCompare(b));
  }

  async current(projectId: string, path: string): Promise<{ version: number; content: string } | undefined> {
    const rows = await this.sql.query<{ version: number; content: string }>(
      `SELECT a."currentVersion" AS version, v."content"
         FROM "Artifact" a JOIN "ArtifactVersion" v ON v."artifactId" = a."id" AND v."version" = a."currentVersion"
        WHERE a."projectId" = $1::uuid AND a."path" = $2`,
      [projectId, path],
    );
    const row = rows[0];
    return row ? { version: Number(row.version), content: row.content } : undefined;
  }

  /** Every current file of a project, with its content, in path order. */
  async snapshot(projectId: string): Promise<{ path: string; version: number; content: string; sha256: string }[]> {
    return this.currentFiles(projectId, '', '');
  }

  /** The current files whose path starts with `prefix` and ends with `suffix`, in path order. */
  async currentFiles(projectId: string, prefix: string, suffix: string): Promise<{ path: string; version: number; content: string; sha256: string }[]> {
    const rows = await this.sql.query<{ path: string; version: number; content: string; sha256: string }>(
      `SELECT a."path", a."currentVersion" AS version, a."sha256", v."content"
         FROM "Artifact" a JOIN "ArtifactVersion" v ON v."artifactId" = a."id" AND v."version" = a."currentVersion"
        WHERE a."projectId" = $1::uuid AND left(a."path", length($2)) = $2 AND right(a."path", length($3)) = $3
        ORDER BY a."path"`,
      [projectId, prefix, suffix],
    );
    return rows.map((r) => ({ path: r.path, version: Number(r.version), content: r.content, sha256: r.sha256 }));
  }

  async write(request: WriteRequest): Promise<WriteOutcome> {
    const { path, content, baseVersion, fenceToken, ...batch } = request;
    const [outcome] = await this.writeAll({ ...batch, files: [{ path, content, baseVersion, fenceToken }] });
    if (!outcome) throw new Error(`no outcome for ${path}`);
    return outcome;
  }

  /** Writes every file of the batch in one transaction; outcomes in the batch's order. */
  async writeAll(batch: WriteBatch): Promise<WriteOutcome[]> {
    return (await this.writeAndComplete(batch)).outcomes;
  }

  /**
   * `writeAll`, and with `completing` in the same statement: the run is recorded as completed when
   * every file came back written or unchanged (`completed` says whether it was). Outcomes in the
   * batch's order.
   */
  async writeAndComplete(batch: WriteBatch, completing?: CompletedAgentRun): Promise<{ outcomes: WriteOutcome[]; completed: boolean }> {
    if (batch.files.length === 0) return { outcomes: [], completed: false };
    const files = batch.files.map((f) => ({ ...f, sha256: sha256(f.content) }));
    const params: unknown[] = [batch.projectId, batch.author, batch.agentRunId ?? null, batch.stage, JSON.stringify(files)];
    const write = 'SELECT file_path, outcome, file_version, current_content FROM zekka_write_artifacts($1::uuid, $2, $3::uuid, $4::int, $5::jsonb)';
    if (!completing) {
      const rows = await this.sql.query<WriteRow & Record<string, unknown>>(write, params);
      return { outcomes: rows.map(toOutcome), completed: false };
    }
    // A CTE that calls a volatile function runs once, however often it is referenced.
    const complete = completeRunSql(completing, (value) => `$${params.push(value)}`);
    const rows = await this.sql.query<WriteRow & { completed: number } & Record<string, unknown>>(
      `WITH w AS (${write}),
       done AS (${complete} AND NOT EXISTS (SELECT 1 FROM w WHERE w.outcome NOT IN ('written', 'unchanged')) RETURNING 1)
       SELECT w.*, (SELECT count(*) FROM done)::int AS completed FROM w`,
      params,
    );
    return { outcomes: rows.map(toOutcome), completed: Number(rows[0]?.completed ?? 0) > 0 };
  }
}

function toOutcome(row: WriteRow): WriteOutcome {
  const version = Number(row.file_version);
  switch (row.outcome) {
    case 'written':
    case 'unchanged':
      return { kind: row.outcome, version };
    case 'moved':
      return { kind: 'moved', currentVersion: version, currentContent: row.current_content ?? '' };
    case 'stale':
      throw new StaleLockError(row.file_path);
    case 'vanished':
      throw new Error(`file ${row.file_path} vanished (it was expected to exist)`);
  }
}
