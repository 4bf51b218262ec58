/**
 * The parts of the API's JSON the dashboard reads. The server's zod schemas (src/api/schemas/*)
 * are the definition; these mirror only the fields used here. The few server modules the dashboard
 * imports (the stage list, the budget-conflict test, the event types) reach no Node built-in or
 * server package, which `npm run lint` checks (.dependency-cruiser.cjs, rule web-browser-only).
 */
export type { ProjectEvent } from '../../src/engine/events/event-schema.js';

export interface Money {
  micros: string;
  usd: number;
}

export type ProjectStatus = 'created' | 'queued' | 'running' | 'needs_review' | 'completed' | 'verification_failed' | 'failed' | 'cancelled' | 'budget_exhausted' | 'awaiting_plan_review';

export interface Project {
  id: string;
  name: string;
  status: ProjectStatus;
  currentStage: { number: number; key: string; name: string } | null;
  budget: Money;
  spent: Money;
  failureReason: string | null;
  createdAt: string;
  completedAt: string | null;
}

export interface ProjectDetail extends Project {
  requirements: string;
}

export interface Conflict {
  id: string;
  type: string;
  status: 'open' | 'resolving' | 'resolved' | 'needs_review' | 'dismissed';
  path: string | null;
  topic: string | null;
  stage: number | null;
  raisedBy: string;
  strategy: string | null;
  reviewUrl: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface ConflictDetail extends Conflict {
  resolution: string | null;
}

export interface Artifact {
  path: string;
  version: number;
  bytes: number;
}

export interface ArtifactContent extends Artifact {
  content: string;
  author: string;
  stage: number;
}

export interface AgentRun {
  agentId: string;
  instanceKey: string;
  stage: number;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled';
  model: string | null;
}

export type VerificationStatus = 'running' | 'passed' | 'failed' | 'unverifiable';

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface VerificationCommand {
  phase: string;
  label: string;
  exitCode: number | null;
  passed: boolean;
  skipped: boolean;
  durationMs: number;
  limit: string | null;
  tests: TestCounts | null;
  outputTail: string;
}

export interface VerificationRound {
  runId: string;
  round: number;
  status: VerificationStatus;
  profile: string | null;
  profileName: string | null;
  summary: string;
  commands: VerificationCommand[];
  missingDependencies: { name: string; spec: string; manifest: string; reason: string }[];
  isolation: { network: string; unprivilegedUser: boolean; pidNamespace: boolean; missing: string[] } | null;
  startedAt: string;
  completedAt: string | null;
}

/** GET /api/projects/:id/verification */
export interface ProjectVerification {
  latest: VerificationRound | null;
  rounds: VerificationRound[];
}

/** The totals of GET /api/costs and /api/costs/:id that the pages read. */
export interface CostAmount {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  cacheSavingsUsd: number;
}

/** GET /api/costs: the account's month and the range's totals are read here. */
export interface UserCosts {
  total: CostAmount;
  account: { period: 'month'; windowStart: string; windowEnd: string; capUsd: number | null; spentUsd: number; remainingUsd: number | null };
}

/** GET /api/costs/:id: only the totals are read here. */
export interface ProjectCosts {
  total: CostAmount;
}

export interface Session {
  token: string;
  email: string;
}
