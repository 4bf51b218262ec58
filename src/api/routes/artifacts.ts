/**
 * A project's files: the list, one file (raw or JSON, any version) and the whole set as an archive.
 * Raw files are served as text/plain (application/json for .json) with a sandboxing CSP and
 * nosniff: generated HTML must never run on the API's origin.
 */
import { posix } from 'node:path';
import { z } from 'zod';
import { NotFoundError } from '../../errors/app-error.js';
import type { ApiContext } from '../api-context.js';
import { archiveQuery, artifactContentSchema, artifactListSchema, artifactParams, artifactQuery } from '../schemas/artifacts.js';
import { projectIdParams } from '../schemas/common.js';
import { sendArchive } from '../services/artifact-archive.js';

interface ListedRow {
  path: string;
  version: number;
  sha256: string;
  bytes: number | bigint;
  updatedAt: Date;
}

export function registerArtifactRoutes(ctx: ApiContext): void {
  const { api, engine, access } = ctx;
  const { prisma } = engine;
  const tag = 'artifacts';

  api.route(
    { method: 'get', path: '/api/projects/:id/artifacts', operationId: 'listArtifacts', summary: 'The project’s files (current versions)', tag, auth: 'user', params: projectIdParams, responses: { 200: { description: 'files, by path', schema: artifactListSchema } } },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.id);
      const rows = await prisma.$queryRaw<ListedRow[]>`
        SELECT a."path", a."currentVersion" AS "version", a."sha256", octet_length(v."content") AS "bytes", a."updatedAt"
        FROM "Artifact" a JOIN "ArtifactVersion" v ON v."artifactId" = a."id" AND v."version" = a."currentVersion"
        WHERE a."projectId" = ${params.id}::uuid
        ORDER BY a."path"`;
      res.json({ items: rows.map((r) => ({ path: r.path, version: r.version, sha256: r.sha256, bytes: Number(r.bytes), updatedAt: r.updatedAt.toISOString() })) });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/projects/:id/archive',
      operationId: 'downloadArchive',
      summary: 'Every current file as one archive',
      tag,
      auth: 'user',
      params: projectIdParams,
      query: archiveQuery,
      responses: { 200: { description: 'the archive: application/gzip for format=tar.gz, application/zip for format=zip', content: { 'application/gzip': undefined, 'application/zip': undefined } } },
    },
    async ({ params, query, user }, _req, res) => {
      const project = await access.load(user(), params.id);
      await sendArchive(res, engine.artifacts, project, query.format);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/projects/:id/artifacts/*path',
      operationId: 'getArtifact',
      summary: 'One file',
      tag,
      auth: 'user',
      params: artifactParams,
      query: artifactQuery,
      responses: {
        200: {
          description: 'format=json: its content and metadata; format=raw: the file itself, as text/plain, or as application/json for a .json file',
          content: { 'application/json': artifactContentSchema.or(z.unknown().meta({ description: 'format=raw on a .json file: the file as written' })), 'text/plain': undefined },
        },
      },
    },
    async ({ params, query, user }, _req, res) => {
      await access.check(user(), params.id);
      const version = await prisma.artifactVersion.findFirst({
        where: { artifact: { projectId: params.id, path: params.path }, ...(query.version ? { version: query.version } : {}) },
        orderBy: { version: 'desc' },
        select: { version: true, content: true, sha256: true, author: true, stage: true, createdAt: true, artifact: { select: { currentVersion: true } } },
      });
      if (!version || (!query.version && version.version !== version.artifact.currentVersion)) throw new NotFoundError('artifact');
      const name = posix.basename(params.path);
      if (query.download) res.attachment(name);
      if (query.format === 'json') {
        res.json({ path: params.path, version: version.version, sha256: version.sha256, bytes: Buffer.byteLength(version.content), content: version.content, author: version.author, stage: version.stage, createdAt: version.createdAt.toISOString() });
        return;
      }
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('ETag', `"${version.sha256}"`);
      res.type(name.endsWith('.json') ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
      res.send(version.content);
    },
  );
}
