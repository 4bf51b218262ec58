/** A new request: create the project (POST /api/projects), start it (POST …/execute), open its live view. */
import { useState } from 'preact/hooks';
import { apiJson, ApiError, type FieldProblem } from '../api-client.js';
import { navigate, projectPath } from '../router.js';
import type { Project } from '../types.js';
import { Field, fieldError, formMessage } from './field.js';
import { useErrorMessage } from './use-api-data.js';
import { useSession } from './session-context.js';

export function SubmitForm() {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const [name, setName] = useState('');
  const [requirements, setRequirements] = useState('');
  const [budget, setBudget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldProblem[]>([]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setFields([]);
    const budgetUsd = budget.trim() === '' ? undefined : Number(budget);
    if (budgetUsd !== undefined && !(budgetUsd > 0)) {
      setFields([{ field: 'budgetUsd', message: 'must be a positive amount in US dollars' }]);
      return;
    }
    setBusy(true);
    try {
      const project = await apiJson<Project>('/api/projects', { method: 'POST', token: session.token, body: { name, requirements, ...(budgetUsd ? { budgetUsd } : {}) } });
      await apiJson(`/api/projects/${project.id}/execute`, { method: 'POST', token: session.token });
      navigate(projectPath(project.id));
    } catch (caught) {
      const fields = caught instanceof ApiError ? caught.fields : [];
      setError(formMessage(messageOf(caught), fields, ['name', 'requirements', 'budgetUsd']));
      setFields(fields);
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="submit-title">
      <h2 id="submit-title">New request</h2>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="req-name" label="Name" error={fieldError(fields, 'name')}>
          {(describedBy, invalid) => <input id="req-name" required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />}
        </Field>
        <Field id="req-requirements" label="Requirements" hint="Describe the software you want, in plain words (at least 10 characters)." error={fieldError(fields, 'requirements')}>
          {(describedBy, invalid) => (
            <textarea id="req-requirements" required rows={8} value={requirements} onInput={(e) => setRequirements(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field id="req-budget" label="Budget (USD)" hint="Optional; the server's default applies when empty." error={fieldError(fields, 'budgetUsd')}>
          {(describedBy, invalid) => (
            <input id="req-budget" type="number" inputMode="decimal" min="0.01" step="0.01" value={budget} onInput={(e) => setBudget(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Submitting…' : 'Submit and start'}
          </button>
        </div>
      </form>
    </section>
  );
}
