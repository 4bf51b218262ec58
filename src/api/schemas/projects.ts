/** Request and response schemas of /api/projects: the engine's own create schema is the body's source. */
import { z } from 'zod';
import { PROJECT_STATUSES } from '../../engine/project-lifecycle.js';
import { createProjectSchema } from '../../engine/project-service.js';
import { moneySchema, optionalTimestamp, timestamp, limitQuery } from './common.js';

export const createProjectBody = createProjectSchema.omit({ ownerId: true }).strict().meta({ id: 'CreateProjectRequest' });

export const updateProjectBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    budgetUsd: z.number().positive().max(1_000_000).optional().meta({ description: 'new budget; not below what is spent and reserved' }),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.budgetUsd !== undefined, { message: 'name at least one of name, budgetUsd' })
  .meta({ id: 'UpdateProjectRequest' });

export interface ListCursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString('base64url');
}

const cursorSchema = z
  .string()
  .max(200)
  .transform((value, ctx): ListCursor => {
    try {
      const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
      const createdAt = new Date(String(at));
      if (typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id) && !Number.isNaN(createdAt.getTime())) return { createdAt, id };
    } catch {
      // falls through to the issue below
    }
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
    return z.NEVER;
  });

export const listProjectsQuery = z.object({
  limit: limitQuery(20, 100),
  cursor: cursorSchema.optional().meta({ description: 'nextCursor of the previous page' }),
  status: z.enum(PROJECT_STATUSES).optional(),
  scope: z.enum(['mine', 'all']).default('mine').meta({ description: '`all`: every user’s projects (admins only)' }),
});

const stageRef = z.object({ number: z.number().int(), key: z.string(), name: z.string() }).meta({ id: 'StageRef' });

export const projectSchema = z
  .object({
    id: z.uuid(),
    ownerId: z.uuid(),
    name: z.string(),
    status: z.enum(PROJECT_STATUSES),
    runId: z.string().nullable().meta({ description: 'the current execution (r1, r2 …)' }),
    currentStage: stageRef.nullable(),
    budget: moneySchema,
    spent: moneySchema,
    remaining: moneySchema,
    options: z.record(z.string(), z.unknown()),
    failureReason: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    startedAt: optionalTimestamp,
    completedAt: optionalTimestamp,
  })
  .meta({ id: 'Project' });

export const progressSchema = z
  .object({
    stagesCompleted: z.number().int(),
    stagesTotal: z.number().int(),
    agentsTotal: z.number().int().meta({ description: 'agents dispatched so far' }),
    agentsCompleted: z.number().int(),
    agentsFailed: z.number().int(),
    agentsRunning: z.number().int(),
    percent: z.number().min(0).max(100),
  })
  .meta({ id: 'Progress' });

export const projectDetailSchema = projectSchema.extend({ requirements: z.string(), progress: progressSchema }).meta({ id: 'ProjectDetail' });

export const projectListSchema = z
  .object({ items: z.array(projectSchema), nextCursor: z.string().nullable().meta({ description: 'pass as `cursor` for the next page; null on the last' }) })
  .meta({ id: 'ProjectList' });

export const runSchema = z
  .object({
    id: z.uuid(),
    runId: z.string(),
    started: z.boolean().meta({ description: 'false when the project was already running this run' }),
    status: z.enum(PROJECT_STATUSES),
  })
  .meta({ id: 'ProjectRun' });

export type ProjectView = z.infer<typeof projectSchema>;
export type ProjectDetailView = z.infer<typeof projectDetailSchema>;
