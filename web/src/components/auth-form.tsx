/** Sign in, or create an account and sign in with it (POST /api/auth/register, then /login). */
import { useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import type { Session } from '../types.js';
import { Field, FormError } from './field.js';
import { useForm } from './use-form.js';

type Mode = 'login' | 'register';

export function AuthForm({ notice, onSignedIn }: { notice?: string; onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<Mode>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useForm(['email', 'password']);

  const submit = (event: Event) => {
    event.preventDefault();
    void form.run(async () => {
      if (mode === 'register') await apiJson('/api/auth/register', { method: 'POST', body: { email, password } });
      const { accessToken } = await apiJson<{ accessToken: string }>('/api/auth/login', { method: 'POST', body: { email, password } });
      onSignedIn({ token: accessToken, email: email.trim().toLowerCase() });
    });
  };

  const title = mode === 'login' ? 'Sign in' : 'Create an account';
  return (
    <section class="card narrow" aria-labelledby="auth-title">
      <h1 id="auth-title">{title}</h1>
      {notice && <p class="notice">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <Field id="auth-email" label="Email" error={form.errorOf('email')}>
          {(describedBy, invalid) => (
            <input id="auth-email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} aria-describedby={describedBy} aria-invalid={invalid} />
          )}
        </Field>
        <Field id="auth-password" label="Password" hint={mode === 'register' ? 'At least 10 characters.' : undefined} error={form.errorOf('password')}>
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
        <FormError message={form.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={form.busy}>
            {form.busy ? 'Please wait…' : title}
          </button>
          <button
            type="button"
            class="link"
            onClick={() => {
              setMode(mode === 'login' ? 'register' : 'login');
              form.clear();
            }}
          >
            {mode === 'login' ? 'No account yet? Create one' : 'Have an account? Sign in'}
          </button>
        </div>
      </form>
    </section>
  );
}
