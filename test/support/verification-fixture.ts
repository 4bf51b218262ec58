/**
 * A project whose software failed its checks, made through the real lifecycle, event bus and
 * Verification table (what the verify job and the run's root write), without running the stages:
 * the surfaces that show a verification (API, CLI, dashboard) are tested against it.
 */
import type { EngineDeps } from '../../src/engine/engine-deps.js';
import { VerificationRecords } from '../../src/verification/verification-records.js';
import type { VerificationReport } from '../../src/verification/verify-workspace.js';

export function failedReport(round: number): VerificationReport {
  return {
    status: 'failed',
    profile: 'node-typescript',
    profileName: 'Node.js / TypeScript',
    summary: `tests failed: 1 of 5 (round ${round})`,
    commands: [
      { phase: 'dependencies', label: 'registry check', exitCode: 0, passed: true, skipped: false, durationMs: 120, outputTail: '' },
      { phase: 'install', label: 'npm ci', exitCode: 0, passed: true, skipped: false, durationMs: 4_200, outputTail: 'added 40 packages' },
      { phase: 'build', label: 'tsc --noEmit', exitCode: 0, passed: true, skipped: false, durationMs: 2_100, outputTail: '' },
      { phase: 'test', label: 'vitest run', exitCode: 1, passed: false, skipped: false, durationMs: 3_300, tests: { passed: 4, failed: 1, skipped: 0 }, outputTail: 'FAIL test/todo.test.ts > creates a todo\nexpected 201, got 500' },
    ],
    missingDependencies: [],
    isolation: { network: 'cut', unprivilegedUser: true, pidNamespace: true, readOnlyFilesystem: false, cgroupLimits: false, missing: ['cgroup limits'] },
    durationMs: 9_720,
  };
}

/**
 * Takes a created project through run r1 to `verification_failed`: round 0 fails and one repair
 * agent runs, round 1 fails again. Each step publishes the event the engine would.
 */
export async function failVerification(deps: EngineDeps, projectId: string): Promise<void> {
  const records = new VerificationRecords(deps.sql);
  const runId = 'r1';
  await deps.lifecycle.require(projectId, 'enqueue', { runId, event: { runId, fromStage: 1 } });
  await deps.lifecycle.require(projectId, 'start-stage', { runId, stage: 10 });
  for (const round of [0, 1]) {
    const report = failedReport(round);
    await records.begin(projectId, runId, round);
    await deps.events.publish({ type: 'verification.started', projectId, data: { round } });
    await records.finish(projectId, runId, round, report);
    const repairs = round === 0 ? 1 : 0;
    await deps.events.publish({
      type: 'verification.finished',
      projectId,
      data: { round, status: report.status, profile: report.profile, summary: report.summary, repairs, commands: report.commands.map(({ outputTail: _tail, ...command }) => command) },
    });
    if (repairs > 0) await deps.events.publish({ type: 'repair.started', projectId, data: { round: round + 1, agents: [{ instanceKey: 'unit-test-creator.todo.repair-1', files: ['test/todo.test.ts'] }] } });
  }
  const last = failedReport(1);
  await deps.lifecycle.require(projectId, 'complete-unverified', {
    runId,
    reason: `the software did not pass its checks after 1 repair round(s): ${last.summary}`,
    event: { verification: { status: 'failed', summary: last.summary, round: 1 } },
  });
}
