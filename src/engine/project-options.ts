/** The options a user may pass with a project; they steer agent selection and whether the plan is reviewed. */
import { z } from 'zod';

const stageNumber = z.number().int().min(1).max(10);

export const projectOptionsSchema = z
  .object({
    includeStages: z.array(stageNumber).max(10).optional(),
    excludeStages: z.array(stageNumber).max(10).optional(),
    includeAgents: z.array(z.string().max(64)).max(60).optional(),
    excludeAgents: z.array(z.string().max(64)).max(60).optional(),
    /** Pause after the Requirements stage writes the plan (status awaiting_plan_review), so a person can read and edit it before resuming. */
    reviewPlan: z.boolean().optional(),
  })
  .strict();
