/**
 * Whether the project's software runs: the latest verification (status, toolchain profile,
 * summary, each command passed or failed with its test counts and the tail of its output in a
 * collapsible block, the sandbox isolation in force, dependencies the registry did not have) and
 * the earlier rounds. The report comes from REST (GET /api/projects/:id/verification), re-read
 * when a round ends; a round still running or a repair under way shows from the live stream.
 */
import { bytes } from '../format.js';
import type { VerificationLive } from '../live/project-timeline.js';
import type { ProjectVerification, TestCounts, VerificationCommand, VerificationRound } from '../types.js';
import { StatusBadge } from './status-badge.js';
import { useApiData } from './use-api-data.js';

function testsText(tests: TestCounts | null): string {
  if (!tests) return '';
  const parts = [`${tests.passed} passed`];
  if (tests.failed > 0) parts.push(`${tests.failed} failed`);
  if (tests.skipped > 0) parts.push(`${tests.skipped} skipped`);
  return parts.join(', ');
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function commandResult(command: VerificationCommand): string {
  if (command.skipped) return 'not run';
  return command.passed ? 'passed' : 'failed';
}

function CommandRow({ command }: { command: VerificationCommand }) {
  const result = commandResult(command);
  return (
    <li class="verify-command">
      <span class={`badge badge-${result === 'not run' ? 'skipped' : result}`}>{result}</span> <code>{command.label}</code> <span class="muted">({command.phase})</span>
      {command.tests && <span> · tests: {testsText(command.tests)}</span>}
      {!command.skipped && (
        <span class="muted">
          {' '}
          · exit {command.exitCode ?? '–'} · {seconds(command.durationMs)}
        </span>
      )}
      {command.limit && <span class="error"> · stopped at the {command.limit} limit</span>}
      {command.outputTail && (
        <details>
          <summary>Output ({bytes(command.outputTail.length)}, the end)</summary>
          <pre class="output-tail">{command.outputTail}</pre>
        </details>
      )}
    </li>
  );
}

function RoundDetail({ round }: { round: VerificationRound }) {
  const isolation = round.isolation;
  return (
    <>
      <p>
        <StatusBadge status={round.status} /> Round {round.round} of run {round.runId} · profile {round.profileName ?? round.profile ?? 'none (not verifiable)'}
      </p>
      <p class="summary">{round.summary}</p>
      {round.commands.length > 0 && <ul class="verify-commands">{round.commands.map((command) => <CommandRow key={`${command.phase}:${command.label}`} command={command} />)}</ul>}
      {round.missingDependencies.length > 0 && (
        <p class="error">
          Not in the registry: {round.missingDependencies.map((d) => `${d.name}@${d.spec} (${d.manifest}: ${d.reason})`).join('; ')}
        </p>
      )}
      {isolation && (
        <p class="muted">
          Sandbox: network {isolation.network}, {isolation.unprivilegedUser ? 'unprivileged user' : 'same user'}
          {isolation.missing.length > 0 && `; not available here: ${isolation.missing.join(', ')}`}
        </p>
      )}
    </>
  );
}

function LiveLine({ live }: { live: VerificationLive }) {
  if (live.status === 'running') return <p class="announcement">Round {live.round} running: install, build and tests in the sandbox…</p>;
  if (live.repairing > 0) return <p class="announcement">Repair round {live.round + 1}: {live.repairing} agent(s) repairing what failed…</p>;
  return null;
}

export function VerificationPanel({ projectId, live, revision }: { projectId: string; live: VerificationLive | undefined; revision: string }) {
  const report = useApiData<ProjectVerification>(`/api/projects/${projectId}/verification`, revision);
  const { latest, rounds } = report.data ?? { latest: null, rounds: [] };
  const earlier = rounds.slice(1);
  return (
    <section class="card" aria-labelledby="verification-title">
      <h2 id="verification-title">Verification</h2>
      {report.error && <p class="error">{report.error}</p>}
      {live && <LiveLine live={live} />}
      {latest ? <RoundDetail round={latest} /> : !live && <p class="muted">Not verified yet: the software is run once the last stage has finished.</p>}
      {earlier.length > 0 && (
        <details>
          <summary>Earlier rounds ({earlier.length})</summary>
          {earlier.map((round) => (
            <div key={`${round.runId}:${round.round}`} class="verify-round">
              <RoundDetail round={round} />
            </div>
          ))}
        </details>
      )}
    </section>
  );
}
