/** A project's stages, agents, event log and conflicts, and the manual answer to a conflict. */
import { resolveConflict } from '../../arbitration/conflict-review.js';
import { NotFoundError } from '../../errors/app-error.js';
import type { ApiContext } from '../api-context.js';
import { projectIdParams } from '../schemas/common.js';
import {
  agentListSchema,
  agentsQuery,
  conflictDetailSchema,
  conflictListSchema,
  conflictParams,
  conflictsQuery,
  eventListSchema,
  eventsQuery,
  resolveConflictBody,
  stageListSchema,
} from '../schemas/runs.js';
import { agentRunView, conflictDetailView, conflictView, stageRunView } from '../services/run-views.js';

export function registerProjectRunRoutes(ctx: ApiContext): void {
  const { api, engine, access, audit } = ctx;
  const { prisma } = engine;
  const tag = 'runs';

  api.route(
    { method: 'get', path: '/api/projects/:id/stages', operationId: 'listStages', summary: 'The stages run so far', tag, auth: 'user', params: projectIdParams, responses: { 200: { description: 'stage runs, in order', schema: stageListSchema } } },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.id);
      const stages = await prisma.stageRun.findMany({ where: { projectId: params.id }, orderBy: { stage: 'asc' } });
      res.json({ items: stages.map(stageRunView) });
    },
  );

  api.route(
    { method: 'get', path: '/api/projects/:id/agents', operationId: 'listAgents', summary: 'The agents dispatched so far', tag, auth: 'user', params: projectIdParams, query: agentsQuery, responses: { 200: { description: 'agent runs', schema: agentListSchema } } },
    async ({ params, query, user }, _req, res) => {
      await access.check(user(), params.id);
      const agents = await prisma.agentRun.findMany({
        where: { projectId: params.id, ...(query.status ? { status: query.status } : {}), ...(query.stage ? { stageRun: { stage: query.stage } } : {}) },
        include: { stageRun: { select: { stage: true } } },
        orderBy: [{ stageRun: { stage: 'asc' } }, { instanceKey: 'asc' }],
      });
      res.json({ items: agents.map(agentRunView) });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/api/projects/:id/events',
      operationId: 'listEvents',
      summary: 'The project’s event log (replay); live updates are on the Socket.IO stream',
      tag,
      auth: 'user',
      params: projectIdParams,
      query: eventsQuery,
      responses: { 200: { description: 'events after `after`, in order', schema: eventListSchema } },
    },
    async ({ params, query, user }, _req, res) => {
      await access.check(user(), params.id);
      const [events, lastSeq] = await Promise.all([engine.events.replay(params.id, query.after, query.limit), engine.events.lastSeq(params.id)]);
      res.json({ items: events.map(({ seq, type, at, data }) => ({ seq, type, at, data })), lastSeq });
    },
  );

  api.route(
    { method: 'get', path: '/api/projects/:id/conflicts', operationId: 'listConflicts', summary: 'Conflicts between agents’ edits', tag, auth: 'user', params: projectIdParams, query: conflictsQuery, responses: { 200: { description: 'conflicts, newest first', schema: conflictListSchema } } },
    async ({ params, query, user }, _req, res) => {
      await access.check(user(), params.id);
      const conflicts = await prisma.conflict.findMany({
        where: { projectId: params.id, ...(query.status ? { status: query.status } : {}) },
        include: { stageRun: { select: { stage: true } } },
        orderBy: { createdAt: 'desc' },
        take: 1_000,
      });
      res.json({ items: conflicts.map(conflictView) });
    },
  );

  const loadConflict = async (projectId: string, conflictId: string) => {
    const conflict = await prisma.conflict.findFirst({ where: { id: conflictId, projectId }, include: { stageRun: { select: { stage: true } } } });
    if (!conflict) throw new NotFoundError('conflict');
    return conflict;
  };

  api.route(
    { method: 'get', path: '/api/projects/:id/conflicts/:conflictId', operationId: 'getConflict', summary: 'One conflict with both sides', tag, auth: 'user', params: conflictParams, responses: { 200: { description: 'the conflict', schema: conflictDetailSchema } } },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.id);
      res.json(conflictDetailView(await loadConflict(params.id, params.conflictId)));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/projects/:id/conflicts/:conflictId/resolve',
      operationId: 'resolveConflict',
      summary: 'Answer a conflict that waits for review',
      description: 'Take ours (the file as it is), theirs (the colliding edit), or supply the content. An arbitrator applies it at once.',
      tag,
      auth: 'user',
      params: conflictParams,
      body: resolveConflictBody,
      responses: { 202: { description: 'accepted; the conflict is being applied', schema: conflictDetailSchema }, 409: { description: 'the conflict is not waiting for review' } },
    },
    async ({ params, body, user }, req, res) => {
      await access.check(user(), params.id);
      await resolveConflict(engine, params.id, params.conflictId, body);
      await audit.record(req, res, { action: 'conflict.resolve', targetType: 'conflict', targetId: params.conflictId, details: { projectId: params.id, answer: 'take' in body ? body.take : 'content' } });
      res.status(202).json(conflictDetailView(await loadConflict(params.id, params.conflictId)));
    },
  );
}
