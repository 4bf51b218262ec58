/** Schemas of a project's stages, agents, events and conflicts. */
import { z } from 'zod';
import { EVENT_TYPES } from '../../engine/events/event-schema.js';
import { limitQuery, moneySchema, optionalTimestamp, queryInt, timestamp, uuid } from './common.js';

const STAGE_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
const CONFLICT_STATUSES = ['open', 'resolving', 'resolved', 'needs_review', 'dismissed'] as const;
const CONFLICT_TYPES = ['code', 'design', 'requirement', 'resource'] as const;

export const stageRunSchema = z
  .object({
    stage: z.number().int(),
    key: z.string(),
    name: z.string(),
    status: z.enum(STAGE_STATUSES),
    attempt: z.number().int(),
    agentsTotal: z.number().int(),
    agentsSucceeded: z.number().int(),
    agentsFailed: z.number().int(),
    error: z.string().nullable(),
    result: z.unknown().nullable(),
    startedAt: optionalTimestamp,
    completedAt: optionalTimestamp,
  })
  .meta({ id: 'StageRun' });

export const stageListSchema = z.object({ items: z.array(stageRunSchema) }).meta({ id: 'StageRunList' });

export const agentsQuery = z.object({
  stage: queryInt(1, 10).optional(),
  status: z.enum(STAGE_STATUSES).optional(),
});

export const agentRunSchema = z
  .object({
    id: z.uuid(),
    agentId: z.string().meta({ description: 'the role, e.g. route-creator' }),
    instanceKey: z.string(),
    stage: z.number().int(),
    status: z.enum(STAGE_STATUSES),
    attempt: z.number().int(),
    critical: z.boolean(),
    provider: z.string().nullable(),
    model: z.string().nullable(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    cost: moneySchema,
    error: z.string().nullable(),
    startedAt: optionalTimestamp,
    completedAt: optionalTimestamp,
    durationMs: z.number().int().nullable(),
  })
  .meta({ id: 'AgentRun' });

export const agentListSchema = z.object({ items: z.array(agentRunSchema) }).meta({ id: 'AgentRunList' });

export const eventsQuery = z.object({
  after: queryInt(0).default(0).meta({ description: 'events after this sequence number' }),
  limit: limitQuery(500, 5_000),
});

export const eventListSchema = z
  .object({
    items: z.array(z.object({ seq: z.number().int(), type: z.enum(EVENT_TYPES), at: z.string(), data: z.record(z.string(), z.unknown()) })),
    lastSeq: z.number().int(),
  })
  .meta({ id: 'ProjectEventList' });

export const conflictsQuery = z.object({ status: z.enum(CONFLICT_STATUSES).optional() });

export const conflictSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(CONFLICT_TYPES),
    status: z.enum(CONFLICT_STATUSES),
    path: z.string().nullable(),
    topic: z.string().nullable().meta({ description: 'what a conflict without a file is about: a decision or requirement topic, `budget:<agent>`, `lock:<path>`' }),
    stage: z.number().int().nullable(),
    raisedBy: z.string(),
    strategy: z.string().nullable(),
    reviewUrl: z.string().nullable(),
    details: z.unknown().nullable(),
    createdAt: timestamp,
    resolvedAt: optionalTimestamp,
  })
  .meta({ id: 'Conflict' });

export const conflictDetailSchema = conflictSchema
  .extend({ baseVersion: z.number().int().nullable(), base: z.string().nullable(), ours: z.string().nullable(), theirs: z.string().nullable(), resolution: z.string().nullable() })
  .meta({ id: 'ConflictDetail' });

export const conflictListSchema = z.object({ items: z.array(conflictSchema) }).meta({ id: 'ConflictList' });

export const conflictParams = z.object({ id: uuid('project id'), conflictId: uuid('conflict id') }).strict();

export const resolveConflictBody = z
  .union([z.object({ take: z.enum(['ours', 'theirs']) }).strict(), z.object({ content: z.string().max(1_000_000) }).strict()])
  .meta({ id: 'ResolveConflictRequest', description: '`take` one side, or supply the merged `content`' });
