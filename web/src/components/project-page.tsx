/**
 * One project, live: the header (status, spend) re-read from REST when the stream says the status
 * changed; the ten stages with each agent's state, the spend chart, the conflicts and the files
 * from the stream and REST together; the verification of the software (live, and its report); the
 * archive download; the owner's actions (cancel, start or resume, accept software that failed its
 * checks, budget, answering a conflict that waits for a person). The latest change is announced in a
 * polite live region, so screen-reader users hear progress without losing their place.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import { statusLabel, usd } from '../format.js';
import { withAgentRuns } from '../live/project-timeline.js';
import { useProjectStream } from '../live/use-project-stream.js';
import type { AgentRun, ProjectDetail } from '../types.js';
import { ArchiveDownload } from './archive-download.js';
import { ArtifactBrowser } from './artifact-browser.js';
import { CacheSavings } from './cache-savings.js';
import { ConflictList } from './conflict-list.js';
import { ProjectActions } from './project-actions.js';
import { useSession } from './session-context.js';
import { SpendChart } from './spend-chart.js';
import { StageBoard } from './stage-board.js';
import { StatusBadge } from './status-badge.js';
import { useApiData } from './use-api-data.js';
import { VerificationPanel } from './verification-panel.js';

const CONNECTION_LABEL = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', refused: 'not available' } as const;

export function ProjectPage({ projectId }: { projectId: string }) {
  const { session } = useSession();
  const stream = useProjectStream(projectId, session.token);
  const { live } = stream;
  // Re-read when the stream says the status or the files changed, and after an action taken here.
  const [changes, setChanges] = useState(0);
  const project = useApiData<ProjectDetail>(`/api/projects/${projectId}`, `${live.status ?? ''}:${live.filesRevision}:${changes}`);

  useEffect(() => {
    // Agents no event describes (a trimmed stream, a resumed run): from the REST list, once.
    apiJson<{ items: AgentRun[] }>(`/api/projects/${projectId}/agents`, { token: session.token }).then(
      ({ items }) => stream.merge((state) => withAgentRuns(state, items)),
      () => undefined,
    );
  }, [projectId, session.token]);

  const p = project.data;
  const status = live.status ?? p?.status;
  if (project.error && !p) {
    return (
      <section class="card">
        <h1>Project</h1>
        <p class="error" role="alert">
          {project.error}
        </p>
      </section>
    );
  }
  return (
    <>
      <div class="project-head">
        <h1 class="page-title">{p?.name ?? 'Project'}</h1>
        {status && <StatusBadge status={status} />}
        <span class="connection">Live updates: {CONNECTION_LABEL[stream.connection]}</span>
      </div>
      {stream.problem && <p class="error">{stream.problem}</p>}
      <p role="status" class="announcement">
        {live.announcement || (status ? `Status: ${statusLabel(status)}` : 'Loading…')}
      </p>
      {p?.failureReason && <p class="error">Reason: {p.failureReason}</p>}
      {p && (
        <p class="summary">
          Spent {usd(p.spent.usd)} of {usd(p.budget.usd)}
          {p.currentStage && ` · stage ${p.currentStage.number}: ${p.currentStage.name}`}
        </p>
      )}
      <div class="project-grid">
        <StageBoard stages={live.stages} />
        <div class="side">
          <SpendChart points={live.spend} budgetUsd={p?.budget.usd} spentUsd={p?.spent.usd} />
          <CacheSavings projectId={projectId} revision={`${live.spend.length}:${status ?? ''}`} />
          <ArchiveDownload projectId={projectId} />
        </div>
      </div>
      <VerificationPanel projectId={projectId} live={live.verification} revision={`${live.verificationRevision}:${status ?? ''}`} />
      {p && <ProjectActions project={{ ...p, status: status ?? p.status }} onChanged={() => setChanges((n) => n + 1)} />}
      <ConflictList projectId={projectId} revision={`${live.conflictEvents}:${status ?? ''}:${changes}`} onChanged={() => setChanges((n) => n + 1)} />
      <ArtifactBrowser projectId={projectId} revision={live.filesRevision} />
      {p && (
        <details class="card">
          <summary>Requirements</summary>
          <pre class="requirements">{p.requirements}</pre>
        </details>
      )}
    </>
  );
}
