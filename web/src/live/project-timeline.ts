/**
 * A project's live view as a pure fold over its event stream (src/engine/events/event-schema.ts):
 * `applyEvent(state, event)` returns the next state, never touching the old one, so the page can
 * re-render by identity. Each seq is applied once: one we already hold is ignored, so a replay
 * after a reconnect (from the last seq we hold) is harmless.
 *
 * The fold keeps: the project status, each of the ten stages (status, agents planned, each agent's
 * state), the spend-over-time series (one point per `cost.updated`), the count of conflicts seen
 * (the page re-reads the conflict list when it changes), the verification of the software as it
 * happens (the round running, its result, the repair round under way; the page re-reads the full
 * report when a round ends) and a one-line announcement of the latest change for the page's
 * aria-live region.
 */
import { STAGES } from '../../../src/agents/stages.js';
import type { AgentRun, ProjectEvent, ProjectStatus, TestCounts, VerificationStatus } from '../types.js';

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
export type AgentStatus = 'pending' | 'running' | 'retrying' | 'completed' | 'failed' | 'cancelled';

export interface AgentLive {
  instanceKey: string;
  agentId: string;
  status: AgentStatus;
  attempt: number;
  model: string | undefined;
}

export interface StageLive {
  number: number;
  name: string;
  status: StageStatus;
  /** Agents the stage dispatched (from `stage.started`); undefined before it starts. */
  planned: number | undefined;
  agents: readonly AgentLive[];
}

export interface SpendPoint {
  at: number;
  spentUsd: number;
  budgetUsd: number;
}

export interface VerificationLive {
  round: number;
  status: VerificationStatus;
  profile: string | null;
  summary: string;
  commands: readonly { label: string; passed: boolean; skipped: boolean; tests: TestCounts | null }[];
  /** Repair agents at work before the next round (from `repair.started`). */
  repairing: number;
}

export interface LiveState {
  lastSeq: number;
  status: ProjectStatus | undefined;
  stages: readonly StageLive[];
  spend: readonly SpendPoint[];
  conflictEvents: number;
  /** The latest verification round; undefined until one starts. */
  verification: VerificationLive | undefined;
  /** Bumped when a verification round ended: the report is re-read. */
  verificationRevision: number;
  /** Bumped when files may have changed (a stage or the project finished): the file list is re-read. */
  filesRevision: number;
  announcement: string;
}

const MICROS_PER_USD = 1_000_000;

export function initialState(): LiveState {
  return {
    lastSeq: 0,
    status: undefined,
    stages: STAGES.map((s) => ({ number: s.number, name: s.name, status: 'pending', planned: undefined, agents: [] })),
    spend: [],
    conflictEvents: 0,
    verification: undefined,
    verificationRevision: 0,
    filesRevision: 0,
    announcement: '',
  };
}

/**
 * Adds the agents the REST API knows (GET /api/projects/:id/agents) that no event has told us of:
 * those whose events were trimmed from a long stream, or finished in an earlier run before a
 * resume. An agent the events already describe keeps that state: it may be newer than the list.
 */
export function withAgentRuns(state: LiveState, runs: readonly AgentRun[]): LiveState {
  let next = state;
  for (const run of runs) {
    const known = next.stages.find((s) => s.number === run.stage)?.agents.some((a) => a.instanceKey === run.instanceKey);
    if (!known) next = updateAgent(next, run.stage, run.instanceKey, { agentId: run.agentId, status: run.status, model: run.model ?? undefined });
  }
  return next;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function updateStage(state: LiveState, stage: number | undefined, change: Partial<StageLive>): LiveState {
  if (stage === undefined || !state.stages.some((s) => s.number === stage)) return state;
  return { ...state, stages: state.stages.map((s) => (s.number === stage ? { ...s, ...change } : s)) };
}

function updateAgent(state: LiveState, stage: number | undefined, instanceKey: string | undefined, change: Partial<AgentLive>): LiveState {
  const current = state.stages.find((s) => s.number === stage);
  if (!current || !instanceKey) return state;
  const existing = current.agents.find((a) => a.instanceKey === instanceKey);
  const agent: AgentLive = { instanceKey, agentId: instanceKey, status: 'pending', attempt: 1, model: undefined, ...existing, ...definedOnly(change) };
  const agents = existing ? current.agents.map((a) => (a.instanceKey === instanceKey ? agent : a)) : [...current.agents, agent].sort((a, b) => a.instanceKey.localeCompare(b.instanceKey));
  return updateStage(state, stage, { agents });
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const stageName = (state: LiveState, stage: number | undefined) => state.stages.find((s) => s.number === stage)?.name ?? `stage ${String(stage)}`;

const PROJECT_STATUS: Partial<Record<ProjectEvent['type'], { status: ProjectStatus; say: string }>> = {
  'project.created': { status: 'created', say: 'Project created' },
  'project.started': { status: 'running', say: 'Project started' },
  'project.completed': { status: 'completed', say: 'Project completed' },
  'project.failed': { status: 'failed', say: 'Project failed' },
  'project.cancelled': { status: 'cancelled', say: 'Project cancelled' },
  'project.budget_exhausted': { status: 'budget_exhausted', say: 'Budget exhausted: raise it and resume' },
  'project.needs_review': { status: 'needs_review', say: 'A conflict needs a person to review it' },
  'project.awaiting_plan_review': { status: 'awaiting_plan_review', say: 'The plan awaits review: edit it if needed, then resume' },
  'project.verification_failed': { status: 'verification_failed', say: 'The software did not pass its own checks: accept it, or resume to repair it again' },
};

export function applyEvent(state: LiveState, event: ProjectEvent): LiveState {
  // The server sends each seq once and in order; after a reconnect it resends from our last seq.
  if (event.seq <= state.lastSeq) return state;
  return fold({ ...state, lastSeq: event.seq }, event);
}

function fold(state: LiveState, event: ProjectEvent): LiveState {
  const { data } = event;
  const stage = num(data.stage);
  const instanceKey = str(data.instanceKey);
  const projectChange = PROJECT_STATUS[event.type];
  if (projectChange) {
    const reason = str(data.reason);
    const settled = event.type !== 'project.created' && event.type !== 'project.started' && event.type !== 'project.needs_review';
    return {
      ...state,
      status: projectChange.status,
      filesRevision: settled ? state.filesRevision + 1 : state.filesRevision,
      announcement: reason ? `${projectChange.say}: ${reason}` : projectChange.say,
    };
  }
  switch (event.type) {
    case 'stage.started':
      return { ...updateStage(state, stage, { status: 'running', planned: num(data.agents) }), status: 'running', announcement: `Stage ${String(stage)} ${stageName(state, stage)} started` };
    case 'stage.completed':
      return { ...updateStage(state, stage, { status: 'completed' }), filesRevision: state.filesRevision + 1, announcement: `Stage ${String(stage)} ${stageName(state, stage)} completed` };
    case 'stage.failed':
      return { ...updateStage(state, stage, { status: 'failed' }), announcement: `Stage ${String(stage)} ${stageName(state, stage)} failed` };
    case 'agent.started':
      return updateAgent(state, stage, instanceKey, { agentId: str(data.agentId), status: 'running', attempt: num(data.attempt) });
    case 'agent.completed':
      return updateAgent(state, stage, instanceKey, { agentId: str(data.agentId), status: 'completed', model: str(data.model) });
    case 'agent.retrying':
      return updateAgent(state, stage, instanceKey, { agentId: str(data.agentId), status: 'retrying' });
    case 'agent.failed':
      return updateAgent(state, stage, instanceKey, { agentId: str(data.agentId), status: 'failed' });
    case 'agent.model_switched':
      return updateAgent(state, stage, instanceKey, { model: str(data.to) });
    case 'conflict.detected':
      return { ...state, conflictEvents: state.conflictEvents + 1, announcement: `Conflict on ${str(data.path) ?? 'a file'}` };
    case 'conflict.resolved':
      return { ...state, conflictEvents: state.conflictEvents + 1, announcement: `Conflict on ${str(data.path) ?? 'a file'} resolved (${str(data.strategy) ?? 'settled'})` };
    case 'verification.started': {
      const round = num(data.round) ?? 0;
      const verification: VerificationLive = { round, status: 'running', profile: null, summary: '', commands: [], repairing: 0 };
      return { ...state, verification, announcement: `Verification round ${round}: running the software's checks` };
    }
    case 'verification.finished':
      return foldVerificationFinished(state, data);
    case 'repair.started': {
      const repairing = Array.isArray(data.agents) ? data.agents.length : 0;
      const verification = state.verification ? { ...state.verification, repairing } : undefined;
      return { ...state, verification, announcement: `Repair round ${String(num(data.round))}: ${repairing} agent${repairing === 1 ? '' : 's'} repairing` };
    }
    case 'cost.updated': {
      const spent = num(data.spentMicros);
      const budget = num(data.budgetMicros);
      if (spent === undefined || budget === undefined) return state;
      const point = { at: Date.parse(event.at), spentUsd: spent / MICROS_PER_USD, budgetUsd: budget / MICROS_PER_USD };
      return { ...state, spend: [...state.spend, point] };
    }
    default:
      return state;
  }
}

const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['passed', 'failed', 'unverifiable'];

function foldVerificationFinished(state: LiveState, data: Record<string, unknown>): LiveState {
  const round = num(data.round) ?? 0;
  const status = VERIFICATION_STATUSES.find((s) => s === data.status) ?? 'unverifiable';
  const list = Array.isArray(data.commands) ? (data.commands as Record<string, unknown>[]) : [];
  const commands = list.map((c) => ({ label: str(c.label) ?? '?', passed: c.passed === true, skipped: c.skipped === true, tests: (c.tests as TestCounts | undefined) ?? null }));
  const summary = str(data.summary) ?? '';
  const verification: VerificationLive = { round, status, profile: str(data.profile) ?? null, summary, commands, repairing: 0 };
  return { ...state, verification, verificationRevision: state.verificationRevision + 1, announcement: `Verification round ${round} ${status}${summary ? `: ${summary}` : ''}` };
}

/** Agents of a stage that finished (completed or failed) — "done" in the stage's counter. */
export function agentsDone(stage: StageLive): number {
  return stage.agents.filter((a) => a.status === 'completed' || a.status === 'failed').length;
}
