/**
 * What the owner can do from a project's page: cancel it while it runs; start it, or resume it
 * from its first unfinished stage once it stopped; accept software that did not pass its own checks
 * as it is, or resume it (another verify-and-repair run); set its budget (a budget-exhausted
 * project then resumes with the same button). Each action is one REST call; the page re-reads the project after.
 */
import { useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import type { ProjectDetail, ProjectStatus } from '../types.js';
import { Field, FormError } from './field.js';
import { useSession } from './session-context.js';
import { useErrorMessage } from './use-api-data.js';
import { useForm } from './use-form.js';

const CANCELLABLE: readonly ProjectStatus[] = ['created', 'queued', 'running', 'needs_review'];
const STARTABLE: readonly ProjectStatus[] = ['created', 'failed', 'cancelled', 'budget_exhausted', 'verification_failed', 'awaiting_plan_review'];

export function ProjectActions({ project, onChanged }: { project: ProjectDetail; onChanged: () => void }) {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const action = useForm([], messageOf);
  const budgetForm = useForm(['budgetUsd'], messageOf);
  const [budget, setBudget] = useState('');
  const call = (path: string, method: 'POST' | 'PATCH', body?: unknown) => apiJson(`/api/projects/${project.id}${path}`, { method, token: session.token, body });

  const run = (path: string) =>
    void action.run(async () => {
      await call(path, 'POST');
      onChanged();
    });
  const setNewBudget = (event: Event) => {
    event.preventDefault();
    const budgetUsd = Number(budget);
    if (budget.trim() === '' || !(budgetUsd > 0)) return budgetForm.reject([{ field: 'budgetUsd', message: 'must be a positive amount in US dollars' }]);
    void budgetForm.run(async () => {
      await call('', 'PATCH', { budgetUsd });
      setBudget('');
      onChanged();
    });
  };

  return (
    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <div class="actions">
        {STARTABLE.includes(project.status) && (
          <button type="button" class="primary" disabled={action.busy} onClick={() => run('/execute')}>
            {project.status === 'created' ? 'Start' : 'Resume'}
          </button>
        )}
        {project.status === 'verification_failed' && (
          <button type="button" disabled={action.busy} onClick={() => run('/accept')}>
            Accept as it is
          </button>
        )}
        {CANCELLABLE.includes(project.status) && (
          <button type="button" disabled={action.busy} onClick={() => run('/cancel')}>
            Cancel project
          </button>
        )}
      </div>
      {project.status === 'verification_failed' && <p class="hint">The software did not pass its own checks. Resume runs the checks again and repairs what fails; accept takes it as it is.</p>}
      <FormError message={action.error} />
      <form onSubmit={setNewBudget} noValidate>
        <Field id="project-budget" label="New budget (USD)" hint={project.status === 'budget_exhausted' ? 'Raise it, then resume the project.' : undefined} error={budgetForm.errorOf('budgetUsd')}>
          {(describedBy, invalid) => (
            <input id="project-budget" type="number" inputMode="decimal" min="0.01" step="0.01" value={budget} onInput={(e) => setBudget(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <FormError message={budgetForm.error} />
        <div class="actions">
          <button type="submit" disabled={budgetForm.busy}>
            {budgetForm.busy ? 'Saving…' : 'Set budget'}
          </button>
        </div>
      </form>
    </section>
  );
}
