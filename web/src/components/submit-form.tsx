/** A new request: create the project (POST /api/projects), start it (POST …/execute), open its live view. */
import { useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import { navigate, projectPath } from '../router.js';
import type { Project } from '../types.js';
import { Field, FormError } from './field.js';
import { useSession } from './session-context.js';
import { useErrorMessage } from './use-api-data.js';
import { useForm } from './use-form.js';

export function SubmitForm() {
  const { session } = useSession();
  const [name, setName] = useState('');
  const [requirements, setRequirements] = useState('');
  const [budget, setBudget] = useState('');
  const form = useForm(['name', 'requirements', 'budgetUsd'], useErrorMessage());

  const submit = (event: Event) => {
    event.preventDefault();
    const budgetUsd = budget.trim() === '' ? undefined : Number(budget);
    if (budgetUsd !== undefined && !(budgetUsd > 0)) return form.reject([{ field: 'budgetUsd', message: 'must be a positive amount in US dollars' }]);
    void form.run(async () => {
      const project = await apiJson<Project>('/api/projects', { method: 'POST', token: session.token, body: { name, requirements, ...(budgetUsd ? { budgetUsd } : {}) } });
      await apiJson(`/api/projects/${project.id}/execute`, { method: 'POST', token: session.token });
      navigate(projectPath(project.id));
    });
  };

  return (
    <section class="card" aria-labelledby="submit-title">
      <h2 id="submit-title">New request</h2>
      <form onSubmit={submit} noValidate>
        <Field id="req-name" label="Name" error={form.errorOf('name')}>
          {(describedBy, invalid) => <input id="req-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />}
        </Field>
        <Field id="req-requirements" label="Requirements" hint="Describe the software you want, in plain words (at least 10 characters)." error={form.errorOf('requirements')}>
          {(describedBy, invalid) => (
            <textarea id="req-requirements" required rows={8} value={requirements} onInput={(e) => setRequirements(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field id="req-budget" label="Budget (USD)" hint="Optional; the server's default applies when empty." error={form.errorOf('budgetUsd')}>
          {(describedBy, invalid) => (
            <input id="req-budget" type="number" inputMode="decimal" min="0.01" step="0.01" value={budget} onInput={(e) => setBudget(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <FormError message={form.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {form.busy ? 'Submitting…' : 'Submit and start'}
          </button>
        </div>
      </form>
    </section>
  );
}
