/**
 * Progress events: the one definition. Every transition of a project, stage, agent, conflict or
 * cost is an event `{type, projectId, seq, at, data}`; `seq` is the project's own sequence number
 * (1, 2, 3 …), assigned atomically in Redis, so a reader can tell a gap or a duplicate.
 */
import { z } from 'zod';

export const EVENT_TYPES = [
  'project.created',
  'project.started',
  'project.completed',
  'project.failed',
  'project.cancelled',
  'project.budget_exhausted',
  'project.needs_review',
  'project.verification_failed',
  'project.awaiting_plan_review',
  'stage.started',
  'stage.completed',
  'stage.failed',
  'agent.started',
  'agent.completed',
  'agent.failed',
  'agent.retrying',
  'agent.model_switched',
  'conflict.detected',
  'conflict.resolved',
  'cost.updated',
  'verification.started',
  'verification.finished',
  'repair.started',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const eventSchema = z.object({
  type: z.enum(EVENT_TYPES),
  projectId: z.string(),
  seq: z.number().int().positive(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export type ProjectEvent = z.infer<typeof eventSchema>;

/** What a publisher supplies; `seq` and `at` are added when it is published. */
export type NewEvent = { type: EventType; projectId: string; data?: Record<string, unknown> };

/** The statuses a project can end in, with the event announcing each. */
export const TERMINAL_EVENTS: readonly EventType[] = ['project.completed', 'project.failed', 'project.cancelled', 'project.budget_exhausted', 'project.verification_failed', 'project.awaiting_plan_review'];
