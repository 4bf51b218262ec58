/** Sign in, or create an account and sign in with it (POST /api/auth/register, then /login). */
import { useState } from 'preact/hooks';
import { apiJson, ApiError, type FieldProblem } from '../api-client.js';
import type { Session } from '../types.js';
import { Field, fieldError, formMessage } from './field.js';

type Mode = 'login' | 'register';

export function AuthForm({ notice, onSignedIn }: { notice?: string; onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [fields, setFields] = useState<FieldProblem[]>([]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setFields([]);
    try {
      if (mode === 'register') await apiJson('/api/auth/register', { method: 'POST', body: { email, password } });
      const { accessToken } = await apiJson<{ accessToken: string }>('/api/auth/login', { method: 'POST', body: { email, password } });
      onSignedIn({ token: accessToken, email: email.trim().toLowerCase() });
    } catch (caught) {
      const fields = caught instanceof ApiError ? caught.fields : [];
      setError(formMessage(caught instanceof Error ? caught.message : String(caught), fields, ['email', 'password']));
      setFields(fields);
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'login' ? 'Sign in' : 'Create an account';
  return (
    <section class="card narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{title}</h1>
      {notice && <p class="notice">{notice}</p>}
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field id="auth-email" label="Email" error={fieldError(fields, 'email')}>
          {(describedBy, invalid) => (
            <input id="auth-email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field id="auth-password" label="Password" hint={mode === 'register' ? 'At least 10 characters.' : undefined} error={fieldError(fields, 'password')}>
          {(describedBy, invalid) => (
            <input
              id="auth-password"
              type="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              required
              minLength={mode === 'register' ? 10 : undefined}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-describedby={describedBy}
              aria-invalid={invalid}
            />
          )}
        </Field>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Please wait…' : title}
          </button>
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(mode === 'login' ? 'register' : 'login');
              setError(undefined);
              setFields([]);
            }}
          >
            {mode === 'login' ? 'No account yet? Create one' : 'Have an account? Sign in'}
          </button>
        </div>
      </form>
    </section>
  );
}
