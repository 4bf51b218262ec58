/**
 * One row per strategy tried on a conflict (ArbitrationAttempt), counted in the metrics as well.
 * Outcomes: resolved · rejected (the proposal failed validation, or the merge found overlaps) ·
 * failed (the call failed) · skipped (the budget refused the call) · needs_review (handed to a person).
 */
import type { EngineDeps } from '../engine/engine-deps.js';
import type { ArbitrationServices } from './arbitration-services.js';

export type AttemptOutcome = 'resolved' | 'rejected' | 'failed' | 'skipped' | 'needs_review';

export interface AttemptRecord {
  conflictId: string;
  strategy: string;
  outcome: AttemptOutcome;
  provider?: string;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  costMicros?: bigint;
  error?: string;
}

export async function recordAttempt(deps: EngineDeps, services: ArbitrationServices, attempt: AttemptRecord): Promise<void> {
  await deps.prisma.arbitrationAttempt.create({
    data: {
      conflictId: attempt.conflictId,
      strategy: attempt.strategy,
      outcome: attempt.outcome,
      provider: attempt.provider,
      model: attempt.model,
      inputTokens: attempt.inputTokens ?? 0,
      outputTokens: attempt.outputTokens ?? 0,
      costMicros: attempt.costMicros ?? 0n,
      error: attempt.error?.slice(0, 2_000),
    },
  });
  services.metrics?.attempts.inc({ strategy: attempt.strategy, outcome: attempt.outcome });
}
