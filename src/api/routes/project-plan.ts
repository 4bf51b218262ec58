/**
 * A project's plan: read it, and edit it before the later stages are chosen from it. With the
 * project option `reviewPlan`, a run stops after the Requirements stage (awaiting_plan_review);
 * resuming the project continues with the plan as it is then.
 */
import { ProjectPlans } from '../../engine/project-plans.js';
import type { ApiContext } from '../api-context.js';
import { projectIdParams } from '../schemas/common.js';
import { planBodySchema, projectPlanSchema, replacePlanQuery } from '../schemas/plan.js';

export function registerProjectPlanRoutes(ctx: ApiContext): void {
  const { api, engine, access, audit } = ctx;
  const plans = new ProjectPlans(engine);
  const tag = 'projects';

  api.route(
    {
      method: 'get',
      path: '/api/projects/:id/plan',
      operationId: 'getPlan',
      summary: 'The plan the Requirements stage wrote (docs/plan.json)',
      tag,
      auth: 'user',
      params: projectIdParams,
      responses: { 200: { description: 'the plan, its version, and whether it may be edited now', schema: projectPlanSchema }, 404: { description: 'no such project, or no plan yet' } },
    },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.id);
      res.json(await plans.get(params.id));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/api/projects/:id/plan',
      operationId: 'replacePlan',
      summary: 'Edit the plan before the later stages start from it',
      description: 'Allowed while the project awaits plan review (option `reviewPlan`) or is stopped before the Architecture stage; resume the project to continue with the edited plan.',
      tag,
      auth: 'user',
      params: projectIdParams,
      query: replacePlanQuery,
      body: planBodySchema,
      responses: {
        200: { description: 'the plan as saved', schema: projectPlanSchema },
        404: { description: 'no such project' },
        409: { description: 'the project is running, or its later stages have started, or it has no plan yet, or the plan moved past `baseVersion`' },
      },
    },
    async ({ params, query, body, user }, req, res) => {
      await access.check(user(), params.id);
      const saved = await plans.replace(params.id, body, query.baseVersion);
      await audit.record(req, res, { action: 'project.plan.update', targetType: 'project', targetId: params.id, details: { version: saved.version } });
      res.json(saved);
    },
  );
}
