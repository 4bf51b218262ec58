/**
 * /api/projects: create, list (own, cursor-paginated), get, update (name, budget), delete, and the
 * lifecycle (execute, resume, cancel) — thin handlers over the engine's ProjectService.
 */
import { ConflictError, NotFoundError } from '../../errors/app-error.js';
import type { Project } from '../../db/prisma-types.js';
import { projectKeys } from '../../redis/keys.js';
import type { ApiContext } from '../api-context.js';
import { ForbiddenError } from '../http-errors.js';
import { projectIdParams } from '../schemas/common.js';
import { createProjectBody, encodeCursor, listProjectsQuery, projectDetailSchema, projectListSchema, projectSchema, runSchema, updateProjectBody } from '../schemas/projects.js';
import { loadProjectDetail, loadProjectPage, projectDetail, projectView, withSpent } from '../services/project-views.js';

const ACTIVE: Project['status'][] = ['queued', 'running', 'needs_review'];

export function registerProjectRoutes(ctx: ApiContext): void {
  const { api, engine, projects, access, audit } = ctx;
  const { prisma } = engine;
  const tag = 'projects';

  api.route(
    { method: 'post', path: '/api/projects', operationId: 'createProject', summary: 'Submit a project', tag, auth: 'user', body: createProjectBody, responses: { 201: { description: 'the project, status `created`', schema: projectSchema } } },
    async ({ body, user }, req, res) => {
      const project = await projects.create({ ...body, ownerId: user().id });
      await audit.record(req, res, { action: 'project.create', targetType: 'project', targetId: project.id, details: { name: project.name } });
      res.status(201).location(`/api/projects/${project.id}`).json(projectView({ ...project, spentMicros: 0n })); // a new project has no ledger rows
    },
  );

  api.route(
    { method: 'get', path: '/api/projects', operationId: 'listProjects', summary: 'Your projects, newest first', tag, auth: 'user', query: listProjectsQuery, responses: { 200: { description: 'one page', schema: projectListSchema }, 403: { description: '`scope=all` from a caller who is not an admin' } } },
    async ({ query, user }, _req, res) => {
      const me = user();
      if (query.scope === 'all' && me.role !== 'admin') throw new ForbiddenError('scope=all is for admins');
      const rows = await loadProjectPage(engine.sql, {
        ownerId: query.scope === 'mine' ? me.id : undefined,
        status: query.status,
        cursor: query.cursor,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      res.json({ items: page.map(projectView), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null });
    },
  );

  api.route(
    { method: 'get', path: '/api/projects/:id', operationId: 'getProject', summary: 'Status, current stage, progress, spend and budget', tag, auth: 'user', params: projectIdParams, responses: { 200: { description: 'the project', schema: projectDetailSchema } } },
    async ({ params, user }, _req, res) => {
      const row = await loadProjectDetail(engine.sql, params.id);
      if (!row || !access.visible(user(), row.ownerId)) throw new NotFoundError('project');
      res.json(projectDetail(row));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/api/projects/:id',
      operationId: 'updateProject',
      summary: 'Rename, or change the budget (then resume a budget-exhausted project)',
      tag,
      auth: 'user',
      params: projectIdParams,
      body: updateProjectBody,
      responses: { 200: { description: 'the project', schema: projectSchema } },
    },
    async ({ params, body, user }, req, res) => {
      await access.check(user(), params.id);
      if (body.budgetUsd !== undefined) await projects.setBudget(params.id, body.budgetUsd);
      if (body.name !== undefined) await prisma.project.update({ where: { id: params.id }, data: { name: body.name } });
      await audit.record(req, res, { action: 'project.update', targetType: 'project', targetId: params.id, details: body });
      res.json(projectView(await withSpent(engine.sql, await projects.get(params.id))));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/projects/:id',
      operationId: 'deleteProject',
      summary: 'Delete a project that is not running, with its runs, artifacts and conflicts (its spend stays in your cost totals)',
      tag,
      auth: 'user',
      params: projectIdParams,
      responses: { 204: { description: 'deleted' }, 409: { description: 'the project is active: cancel it first' } },
    },
    async ({ params, user }, req, res) => {
      const project = await access.load(user(), params.id);
      if (ACTIVE.includes(project.status)) throw new ConflictError(`a ${project.status} project cannot be deleted: cancel it first`);
      const deleted = await prisma.project.deleteMany({ where: { id: params.id, status: { notIn: ACTIVE } } });
      if (deleted.count === 0) throw new ConflictError('the project started meanwhile: cancel it first');
      const keys: Record<string, string> = { ...projectKeys(params.id, engine.namespace) };
      const budget = keys.budget ?? '';
      await engine.redis.unlink(...Object.values(keys), `${budget}:reservations`, `${budget}:deadlines`, `${budget}:settled`);
      await audit.record(req, res, { action: 'project.delete', targetType: 'project', targetId: params.id, details: { name: project.name } });
      res.status(204).end();
    },
  );

  const lifecycle = (action: 'execute' | 'resume', summary: string) =>
    api.route(
      { method: 'post', path: `/api/projects/:id/${action}`, operationId: `${action}Project`, summary, tag, auth: 'user', params: projectIdParams, responses: { 202: { description: 'the run is queued', schema: runSchema }, 409: { description: 'the project cannot be started from its status' } } },
      async ({ params, user }, req, res) => {
        await access.check(user(), params.id);
        const run = action === 'execute' ? await projects.execute(params.id) : await projects.resume(params.id);
        const project = await projects.get(params.id);
        await audit.record(req, res, { action: `project.${action}`, targetType: 'project', targetId: params.id, details: run });
        res.status(202).json({ id: params.id, runId: run.runId, started: run.started, status: project.status });
      },
    );
  lifecycle('execute', 'Start the project');
  lifecycle('resume', 'Resume after a failure, a cancel or a raised budget, from the first unfinished stage');

  api.route(
    { method: 'post', path: '/api/projects/:id/cancel', operationId: 'cancelProject', summary: 'Cancel: no new agents start; waiting jobs are removed', tag, auth: 'user', params: projectIdParams, responses: { 200: { description: 'the project, cancelled', schema: projectSchema }, 409: { description: 'the project is finished' } } },
    async ({ params, user }, req, res) => {
      await access.check(user(), params.id);
      const project = await projects.cancel(params.id);
      await audit.record(req, res, { action: 'project.cancel', targetType: 'project', targetId: params.id });
      res.json(projectView(await withSpent(engine.sql, project)));
    },
  );
}
