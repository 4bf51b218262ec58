/** Schemas of a project's plan (src/agents/plan.ts) as the API shows and accepts it. */
import { z } from 'zod';
import { planSchema } from '../../agents/plan.js';
import { queryInt } from './common.js';

export const planBodySchema = planSchema.meta({
  id: 'Plan',
  description: 'What the Requirements stage decided the request asks for; the later stages choose their agents, instances and subjects from it.',
});

export const projectPlanSchema = z
  .object({
    plan: planBodySchema,
    version: z.number().int().meta({ description: 'the version of docs/plan.json in the workspace' }),
    editable: z.boolean().meta({ description: 'whether PUT may change it now: while the project awaits plan review, or is stopped before the Architecture stage' }),
  })
  .meta({ id: 'ProjectPlan' });

export const replacePlanQuery = z
  .object({ baseVersion: queryInt(1).optional().meta({ description: 'refuse the edit (409) unless the plan is still at this version' }) })
  .strict();
