/**
 * Conflicts between agents' edits and how each was settled (strategy, resolution text on demand);
 * one that waits for a person is answered here (take ours: the file as it is; theirs: the colliding edit).
 */
import { useState } from 'preact/hooks';
import { isBudgetConflict } from '../../../src/engine/conflicts/budget-conflict-kind.js';
import { apiJson } from '../api-client.js';
import { dateTime } from '../format.js';
import type { Conflict, ConflictDetail } from '../types.js';
import { useSession } from './session-context.js';
import { FormError } from './field.js';
import { StatusBadge } from './status-badge.js';
import { useApiData, useErrorMessage } from './use-api-data.js';
import { useForm } from './use-form.js';

export function ConflictList({ projectId, revision, onChanged }: { projectId: string; revision: unknown; onChanged: () => void }) {
  const list = useApiData<{ items: Conflict[] }>(`/api/projects/${projectId}/conflicts`, revision);
  const items = list.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="conflicts-title" aria-busy={list.loading}>
      <h2 id="conflicts-title">Conflicts ({items.length})</h2>
      {list.error && <p class="error">{list.error}</p>}
      {!list.loading && items.length === 0 && <p>No conflicting edits so far.</p>}
      {items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">File or topic</th>
              <th scope="col">Stage</th>
              <th scope="col">Raised by</th>
              <th scope="col">Status</th>
              <th scope="col">Settled by</th>
              <th scope="col">Resolution</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <ConflictRow key={c.id} projectId={projectId} conflict={c} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ConflictRow({ projectId, conflict, onChanged }: { projectId: string; conflict: Conflict; onChanged: () => void }) {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const [detail, setDetail] = useState<ConflictDetail>();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const toggle = async () => {
    setOpen(!open);
    if (detail || open) return;
    try {
      setDetail(await apiJson<ConflictDetail>(`/api/projects/${projectId}/conflicts/${conflict.id}`, { token: session.token }));
    } catch (caught) {
      setError(messageOf(caught));
    }
  };
  const answer = useForm([], messageOf);
  const take = (side: 'ours' | 'theirs') =>
    void answer.run(async () => {
      await apiJson(`/api/projects/${projectId}/conflicts/${conflict.id}/resolve`, { method: 'POST', token: session.token, body: { take: side } });
      onChanged();
    });
  const regionId = `conflict-${conflict.id}`;
  const subject = conflict.path ?? conflict.topic ?? conflict.type;
  return (
    <>
      <tr>
        <th scope="row">{subject}</th>
        <td>{conflict.stage ?? '—'}</td>
        <td>{conflict.raisedBy}</td>
        <td>
          <StatusBadge status={conflict.status} />
          {conflict.status === 'needs_review' && isBudgetConflict(conflict) && <p class="hint">Raise the budget, then resume the project.</p>}
          {conflict.status === 'needs_review' && !isBudgetConflict(conflict) && (
            <div class="actions">
              <button type="button" disabled={answer.busy} aria-label={`Take ours: ${subject}`} onClick={() => take('ours')}>
                Take ours
              </button>
              <button type="button" disabled={answer.busy} aria-label={`Take theirs: ${subject}`} onClick={() => take('theirs')}>
                Take theirs
              </button>
            </div>
          )}
          <FormError message={answer.error} />
        </td>
        <td>
          {conflict.strategy ?? '—'}
          {conflict.resolvedAt && <span class="muted"> ({dateTime(conflict.resolvedAt)})</span>}
          {conflict.reviewUrl && (
            <>
              {' '}
              <a href={conflict.reviewUrl} rel="noreferrer noopener" target="_blank">
                review
              </a>
            </>
          )}
        </td>
        <td>
          <button type="button" aria-expanded={open} aria-controls={regionId} onClick={() => void toggle()}>
            {open ? 'Hide' : 'Show'}
          </button>
        </td>
      </tr>
      {open && (
        <tr id={regionId}>
          <td colSpan={6}>
            {error && <p class="error">{error}</p>}
            {!detail && !error && <p>Loading…</p>}
            {detail && (detail.resolution !== null ? <pre class="file">{detail.resolution}</pre> : <p>Not resolved yet.</p>)}
          </td>
        </tr>
      )}
    </>
  );
}
