/** The user's projects, newest first (GET /api/projects, cursor pages). */
import { useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import { dateTime, usd } from '../format.js';
import { followLink, projectPath } from '../router.js';
import type { Project } from '../types.js';
import { useSession } from './session-context.js';
import { AccountSpend } from './account-spend.js';
import { StatusBadge } from './status-badge.js';
import { useApiData, useErrorMessage } from './use-api-data.js';

interface Page {
  items: Project[];
  nextCursor: string | null;
}

export function ProjectList() {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const first = useApiData<Page>('/api/projects?limit=25');
  const [more, setMore] = useState<Page>();
  const [moreError, setMoreError] = useState<string>();
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.nextCursor : first.data?.nextCursor;

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await apiJson<Page>(`/api/projects?limit=25&cursor=${encodeURIComponent(cursor)}`, { token: session.token });
      setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      setMoreError(messageOf(error));
    }
  };

  return (
    <section class="card" aria-labelledby="list-title" aria-busy={first.loading}>
      <h2 id="list-title">Your projects</h2>
      <AccountSpend />
      {first.error && <p class="error" role="alert">{first.error}</p>}
      {!first.loading && items.length === 0 && !first.error && <p>No projects yet: submit a request.</p>}
      {items.length > 0 && (
        <table class="projects">
          <caption class="visually-hidden">Your projects, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Spent / budget</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  <a href={projectPath(p.id)} onClick={followLink}>
                    {p.name}
                  </a>
                </th>
                <td>
                  <StatusBadge status={p.status} />
                </td>
                <td>
                  {usd(p.spent.usd)} / {usd(p.budget.usd)}
                </td>
                <td>{dateTime(p.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {moreError && <p class="error" role="alert">{moreError}</p>}
      {cursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </section>
  );
}
