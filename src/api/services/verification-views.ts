/** A stored verification round as the API shows it (the report's JSON column flattened, dates as ISO strings). */
import type { VerificationRow } from '../../verification/verification-records.js';
import { iso, isoOrNull } from '../schemas/common.js';
import type { VerificationRoundView } from '../schemas/verification.js';

export function verificationRoundView(row: VerificationRow): VerificationRoundView {
  const report = row.report;
  return {
    runId: row.runId,
    round: row.round,
    status: row.status,
    profile: row.profile,
    profileName: report?.profileName ?? null,
    summary: row.summary,
    commands: (report?.commands ?? []).map((command) => ({
      phase: command.phase,
      label: command.label,
      exitCode: command.exitCode,
      passed: command.passed,
      skipped: command.skipped,
      durationMs: Math.round(command.durationMs),
      limit: command.limit ?? null,
      tests: command.tests ?? null,
      outputTail: command.outputTail,
    })),
    missingDependencies: (report?.missingDependencies ?? []).map(({ name, spec, manifest, reason }) => ({ name, spec, manifest, reason })),
    isolation: report?.isolation ?? null,
    durationMs: report ? Math.round(report.durationMs) : null,
    startedAt: iso(row.startedAt),
    completedAt: isoOrNull(row.completedAt),
  };
}
