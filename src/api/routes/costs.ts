/** /api/costs: the caller's spend (totals, by model, by project, by day) and one project's. */
import type { ApiContext } from '../api-context.js';
import { ForbiddenError } from '../http-errors.js';
import { costProjectParams, costsQuery, projectCostsSchema, userCostsSchema } from '../schemas/costs.js';

export function registerCostRoutes(ctx: ApiContext): void {
  const { api, access, costs } = ctx;

  api.route(
    { method: 'get', path: '/api/costs', operationId: 'getCosts', summary: 'Your spend: totals, by model, by project, by day (UTC)', tag: 'costs', auth: 'user', query: costsQuery, responses: { 200: { description: 'the spend', schema: userCostsSchema }, 403: { description: 'another user’s `userId` from a caller who is not an admin' } } },
    async ({ query, user }, _req, res) => {
      const me = user();
      if (query.userId && query.userId !== me.id && me.role !== 'admin') throw new ForbiddenError('only admins may read another user’s costs');
      res.json(await costs.costsForUser(query.userId ?? me.id, { from: query.from, to: query.to }));
    },
  );

  api.route(
    { method: 'get', path: '/api/costs/:projectId', operationId: 'getProjectCosts', summary: 'One project’s spend against its budget', tag: 'costs', auth: 'user', params: costProjectParams, responses: { 200: { description: 'the spend', schema: projectCostsSchema } } },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.projectId);
      res.json(await costs.costsForProject(params.projectId));
    },
  );
}
