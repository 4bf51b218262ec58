/**
 * A MetaGPT-style executability score (1–4) of one verification report:
 *   4 — install, build and all tests pass (runnable);
 *   3 — installs and builds, but some tests fail (or the test command fails);
 *   2 — installs but does not build;
 *   1 — does not install (a dependency not in the registry, a missing manifest, a failed
 *       install), or the stack has no toolchain profile, so nothing could be proven.
 * A profile with no install step (Python with no requirements) counts as installed.
 */
import type { VerificationReport } from './verify-workspace.js';

export type ExecutabilityScore = 1 | 2 | 3 | 4;

export function executabilityScore(report: Pick<VerificationReport, 'status' | 'profile' | 'commands'>): ExecutabilityScore {
  if (report.status === 'passed') return 4;
  if (report.profile === null || report.status === 'unverifiable' || report.commands.length === 0) return 1;
  const failed = report.commands.find((command) => !command.passed && !command.skipped);
  if (failed === undefined || failed.phase === 'install' || failed.phase === 'dependencies') return 1;
  return failed.phase === 'build' ? 2 : 3;
}
