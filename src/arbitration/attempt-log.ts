/**
 * One row per strategy tried on a conflict (ArbitrationAttempt), counted in the metrics as well.
 * Outcomes: resolved · rejected (the proposal failed validation, or the merge found overlaps) ·
 * failed (the call failed) · skipped (the budget refused the call) · needs_review (handed to a person).
 */
import type { StoreDeps } from '../engine/engine-deps.js';
import type { ArbitrationServices } from './arbitration-services.js';

export type AttemptOutcome = 'resolved' | 'rejected' | 'failed' | 'skipped' | 'needs_review';

export interface AttemptRecord {
  conflictId: string;
  /** The conflict's type: a label of the attempts counter, so rates can be read per type. */
  type: string;
  strategy: string;
  outcome: AttemptOutcome;
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costMicros?: bigint;
  error?: string;
}

/** Plain SQL: every conflict leaves at least one row, inside its stage's critical path. */
export async function recordAttempt(deps: StoreDeps, services: ArbitrationServices, attempt: AttemptRecord): Promise<void> {
  await deps.sql.query(
    `INSERT INTO "ArbitrationAttempt" ("id", "conflictId", "strategy", "outcome", "provider", "model", "inputTokens", "outputTokens", "costMicros", "error", "createdAt")
     VALUES (gen_random_uuid(), $1::uuid, $2, $3, $4, $5, $6::int, $7::int, $8::bigint, $9, timezone('UTC', now()))`,
    [
      attempt.conflictId,
      attempt.strategy,
      attempt.outcome,
      attempt.provider ?? null,
      attempt.model ?? null,
      attempt.inputTokens ?? 0,
      attempt.outputTokens ?? 0,
      (attempt.costMicros ?? 0n).toString(),
      attempt.error?.slice(0, 2_000) ?? null,
    ],
  );
  services.metrics?.attempts.inc({ strategy: attempt.strategy, outcome: attempt.outcome, type: attempt.type });
}
