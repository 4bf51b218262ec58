/** Stage, agent and conflict rows → the API's JSON. */
import type { AgentRun, Conflict, StageRun } from '../../db/prisma-types.js';
import { STAGES } from '../../agents/stages.js';
import { iso, isoOrNull, money } from '../schemas/common.js';

export function stageRunView(s: StageRun) {
  const stage = STAGES[s.stage - 1];
  return {
    stage: s.stage,
    key: stage?.key ?? '',
    name: stage?.name ?? '',
    status: s.status,
    attempt: s.attempt,
    agentsTotal: s.agentsTotal,
    agentsSucceeded: s.agentsSucceeded,
    agentsFailed: s.agentsFailed,
    error: s.error,
    result: s.result ?? null,
    startedAt: isoOrNull(s.startedAt),
    completedAt: isoOrNull(s.completedAt),
  };
}

export function agentRunView(a: AgentRun & { stageRun: { stage: number } }) {
  return {
    id: a.id,
    agentId: a.agentId,
    instanceKey: a.instanceKey,
    stage: a.stageRun.stage,
    status: a.status,
    attempt: a.attempt,
    critical: a.critical,
    provider: a.provider,
    model: a.model,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    cost: money(a.costMicros),
    error: a.error,
    startedAt: isoOrNull(a.startedAt),
    completedAt: isoOrNull(a.completedAt),
    durationMs: a.durationMs,
  };
}

export type ConflictRow = Conflict & { stageRun: { stage: number } | null };

export function conflictView(c: ConflictRow) {
  return {
    id: c.id,
    type: c.type,
    status: c.status,
    path: c.path,
    topic: c.topic,
    stage: c.stageRun?.stage ?? null,
    raisedBy: c.raisedBy,
    strategy: c.strategy,
    reviewUrl: c.reviewUrl,
    details: c.details ?? null,
    createdAt: iso(c.createdAt),
    resolvedAt: isoOrNull(c.resolvedAt),
  };
}

export function conflictDetailView(c: ConflictRow) {
  return { ...conflictView(c), baseVersion: c.baseVersion, base: c.base, ours: c.ours, theirs: c.theirs, resolution: c.resolution };
}
