/**
 * Offline generators of stage 5 that build the client's frame: API client, state, theme, routes
 * and build settings. The first four also wire themselves into the shared shell web/src/App.tsx
 * by replacing only their own slot lines.
 */
import { humanize, kebabCase } from '../agents/naming.js';
import { domainModel, tsTypeOf } from './domain.js';
import type { AgentTask } from '../agents/agent-task.js';
import { bullets, file, output, type OutputFile, type RoleGenerator } from './scaffold.js';
import { WEB_SHELL_PATH, editShared } from './slots.js';

function wired(what: string, shell: OutputFile[]): string {
  return `${what}${shell.length > 0 ? '; wired into App.tsx through its slot lines' : '; App.tsx or its slot lines not in context, so App.tsx is left alone'}.`;
}

const apiIntegrationSpecialist: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const shell = editShared(task, WEB_SHELL_PATH, {
    'api-client-imports': ["import { ApiProvider } from './api/provider';"],
    'api-client': ['tree = <ApiProvider>{tree}</ApiProvider>;'],
  });
  return output(wired(`Typed API client for ${model.entities.length} resources, hooks and ApiProvider`, shell), [
    file(task, 'web/src/api/client.ts', [
      "export const API_BASE_URL: string = (import.meta.env.VITE_API_URL as string | undefined) ?? '/api';",
      '',
      ...model.entities.flatMap((entity) => [
        `export interface ${entity.name} {`,
        '  id: string;',
        ...entity.scalars.map((field) => `  ${field.name}${field.required ? '' : '?'}: ${tsTypeOf(field)}${field.required ? '' : ' | null'};`),
        ...entity.relations.map((relation) => `  ${relation.foreignKey}?: string | null;`),
        '  createdAt: string;',
        '  updatedAt: string;',
        '}',
        '',
      ]),
      '/** The answer of a failed call, with the field at fault when the API names one. */',
      'export class ApiError extends Error {',
      '  constructor(',
      '    readonly status: number,',
      '    readonly field: string | undefined,',
      '    message: string,',
      '  ) {',
      '    super(message);',
      '  }',
      '}',
      '',
      '// The token lives in memory only (never localStorage), as docs/architecture/security.md requires.',
      'let token: string | undefined;',
      'export function setToken(value: string | undefined): void {',
      '  token = value;',
      '}',
      '',
      'async function request<T>(path: string, init: RequestInit = {}): Promise<T> {',
      '  const response = await fetch(`${API_BASE_URL}${path}`, {',
      '    ...init,',
      "    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },",
      '  });',
      '  if (response.status === 204) return undefined as T;',
      '  const body = (await response.json()) as unknown;',
      '  if (!response.ok) {',
      '    const error = (body as { error?: { message?: string; field?: string } }).error;',
      '    throw new ApiError(response.status, error?.field, error?.message ?? response.statusText);',
      '  }',
      '  return body as T;',
      '}',
      '',
      ...(task.analysis.hasApi
        ? [
            'export interface Session {',
            '  token: string;',
            '  user: { id: string; email: string; role: string };',
            '}',
            '',
            '/** Signs up or logs in (POST /auth/signup or /auth/login) and keeps the token for every later call. */',
            "export async function signIn(mode: 'signup' | 'login', email: string, password: string): Promise<Session> {",
            "  const session = await request<Session>(`/auth/${mode}`, { method: 'POST', body: JSON.stringify({ email, password }) });",
            '  setToken(session.token);',
            '  return session;',
            '}',
            '',
          ]
        : []),
      'export const apiClient = {',
      '  list: <T>(resource: string, page = 1): Promise<T[]> => request<T[]>(`/${resource}?page=${page}`),',
      '  get: <T>(resource: string, id: string): Promise<T> => request<T>(`/${resource}/${encodeURIComponent(id)}`),',
      "  create: <T>(resource: string, body: unknown): Promise<T> => request<T>(`/${resource}`, { method: 'POST', body: JSON.stringify(body) }),",
      "  update: <T>(resource: string, id: string, body: unknown): Promise<T> => request<T>(`/${resource}/${encodeURIComponent(id)}`, { method: 'PATCH', body: JSON.stringify(body) }),",
      "  remove: (resource: string, id: string): Promise<void> => request<void>(`/${resource}/${encodeURIComponent(id)}`, { method: 'DELETE' }),",
      '};',
    ]),
    file(task, 'web/src/api/hooks.ts', [
      "import { useCallback, useEffect, useState } from 'react';",
      "import { apiClient } from './client';",
      '',
      'export interface ListState<T> {',
      '  data: T[];',
      '  error: Error | undefined;',
      '  loading: boolean;',
      '  reload: () => void;',
      '}',
      '',
      '/** One page of a resource, reloaded on demand; a stale answer never overwrites a newer one. */',
      'export function useList<T>(resource: string): ListState<T> {',
      '  const [data, setData] = useState<T[]>([]);',
      '  const [error, setError] = useState<Error>();',
      '  const [loading, setLoading] = useState(true);',
      '  const [version, setVersion] = useState(0);',
      '  useEffect(() => {',
      '    let current = true;',
      '    setLoading(true);',
      '    apiClient',
      '      .list<T>(resource)',
      '      .then((rows) => current && (setData(rows), setError(undefined)))',
      '      .catch((caught: unknown) => current && setError(caught instanceof Error ? caught : new Error(String(caught))))',
      '      .finally(() => current && setLoading(false));',
      '    return () => {',
      '      current = false;',
      '    };',
      '  }, [resource, version]);',
      '  const reload = useCallback(() => setVersion((n) => n + 1), []);',
      '  return { data, error, loading, reload };',
      '}',
    ]),
    file(task, 'web/src/api/provider.tsx', [
      "import { createContext, useContext, type ReactElement, type ReactNode } from 'react';",
      "import { API_BASE_URL, setToken } from './client';",
      '',
      'const ApiContext = createContext({ baseUrl: API_BASE_URL, setToken });',
      '',
      '/** Makes the API settings and the token setter available to every page. */',
      'export function ApiProvider({ children }: { children: ReactNode }): ReactElement {',
      '  return <ApiContext.Provider value={{ baseUrl: API_BASE_URL, setToken }}>{children}</ApiContext.Provider>;',
      '}',
      '',
      'export function useApi(): { baseUrl: string; setToken: (token: string | undefined) => void } {',
      '  return useContext(ApiContext);',
      '}',
    ]),
    ...shell,
  ]);
};

const stateManager: RoleGenerator = (task) => {
  const names = task.analysis.entities;
  const shell = editShared(task, WEB_SHELL_PATH, {
    'state-imports': ["import { StoreProvider } from './state/store';"],
    state: ['tree = <StoreProvider>{tree}</StoreProvider>;'],
  });
  return output(wired('Client store (session and selection per entity)', shell), [
    file(task, 'web/src/state/store.tsx', [
      "import { createContext, useContext, useReducer, type Dispatch, type ReactElement, type ReactNode } from 'react';",
      '',
      `export type EntityName = ${names.length > 0 ? names.map((name) => `'${name}'`).join(' | ') : 'string'};`,
      '',
      '/** Client-only state. Server data stays in the API hooks, not here. */',
      'export interface State {',
      '  userId: string | undefined;',
      '  selected: Partial<Record<EntityName, string>>;',
      '}',
      '',
      'export type Action =',
      "  | { type: 'signedIn'; userId: string }",
      "  | { type: 'signedOut' }",
      "  | { type: 'select'; entity: EntityName; id: string | undefined };",
      '',
      'const INITIAL: State = { userId: undefined, selected: {} };',
      '',
      'export function reducer(state: State, action: Action): State {',
      '  switch (action.type) {',
      "    case 'signedIn':",
      '      return { ...state, userId: action.userId };',
      "    case 'signedOut':",
      '      return INITIAL;',
      "    case 'select':",
      '      return { ...state, selected: { ...state.selected, [action.entity]: action.id } };',
      '  }',
      '}',
      '',
      'const StoreContext = createContext<{ state: State; dispatch: Dispatch<Action> } | undefined>(undefined);',
      '',
      'export function StoreProvider({ children }: { children: ReactNode }): ReactElement {',
      '  const [state, dispatch] = useReducer(reducer, INITIAL);',
      '  return <StoreContext.Provider value={{ state, dispatch }}>{children}</StoreContext.Provider>;',
      '}',
      '',
      'export function useStore(): { state: State; dispatch: Dispatch<Action> } {',
      '  const value = useContext(StoreContext);',
      "  if (!value) throw new Error('useStore() must be used inside <StoreProvider>');",
      '  return value;',
      '}',
    ]),
    ...shell,
  ]);
};

const uiUxDesigner: RoleGenerator = (task) => {
  const shell = editShared(task, WEB_SHELL_PATH, {
    'theme-imports': ["import { ThemeProvider } from './theme/theme';"],
    theme: ['tree = <ThemeProvider>{tree}</ThemeProvider>;'],
  });
  return output(wired('Design tokens (light and dark), ThemeProvider and UI notes', shell), [
    file(task, 'web/src/theme/tokens.css', [
      ':root {',
      '  --color-text: #1a1a1a;',
      '  --color-background: #ffffff;',
      '  --color-accent: #0b57d0;',
      '  --color-danger: #b3261e;',
      '  --space-1: 0.25rem;',
      '  --space-2: 0.5rem;',
      '  --space-4: 1rem;',
      '  --font-body: system-ui, sans-serif;',
      '  --focus-ring: 2px solid var(--color-accent);',
      '}',
      '@media (prefers-color-scheme: dark) {',
      '  :root {',
      '    --color-text: #ececec;',
      '    --color-background: #121212;',
      '    --color-accent: #8ab4f8;',
      '    --color-danger: #f2b8b5;',
      '  }',
      '}',
      '.app-theme {',
      '  color: var(--color-text);',
      '  background: var(--color-background);',
      '  font-family: var(--font-body);',
      '  min-height: 100vh;',
      '}',
      '.app-theme :focus-visible {',
      '  outline: var(--focus-ring);',
      '  outline-offset: 2px;',
      '}',
    ]),
    file(task, 'web/src/theme/theme.tsx', [
      "import type { ReactElement, ReactNode } from 'react';",
      "import './tokens.css';",
      '',
      '/** Applies the design tokens to everything inside it. */',
      'export function ThemeProvider({ children }: { children: ReactNode }): ReactElement {',
      '  return <div className="app-theme">{children}</div>;',
      '}',
    ]),
    file(task, 'docs/design/ui.md', [
      `# ${task.analysis.title}: interface`,
      '',
      'Text and accent colours meet WCAG 2.1 AA contrast in both schemes; every control has a visible focus ring.',
      '',
      '## Pages',
      '',
      ...bullets(task.analysis.pages.map((page) => `**${page}**: one h1, the page content, status and error messages announced with role="status" / role="alert".`)),
    ]),
    ...shell,
  ]);
};

/** A page whose name says it is where people sign in: it shows the sign-in form (frontend-pages.ts). */
export function isSignInPage(page: string): boolean {
  return /^(?:log ?in|log ?on|sign ?in|sign ?up|register|auth)/i.test(page);
}

/** web/src/routes/sign-in-form.tsx: log in or sign up; the API client keeps the token it answers. */
function signInForm(task: AgentTask): OutputFile {
  return file(task, 'web/src/routes/sign-in-form.tsx', [
    "import { useState, type FormEvent, type ReactElement } from 'react';",
    "import { ApiError, signIn, type Session } from '../api/client';",
    '',
    "type Mode = 'login' | 'signup';",
    '',
    '/** Logs in or signs up; on success every page\'s API calls carry the token (kept in memory only). */',
    'export function SignInForm(): ReactElement {',
    "  const [mode, setMode] = useState<Mode>('login');",
    "  const [email, setEmail] = useState('');",
    "  const [password, setPassword] = useState('');",
    '  const [session, setSession] = useState<Session>();',
    '  const [error, setError] = useState<string>();',
    '  const [busy, setBusy] = useState(false);',
    '',
    '  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {',
    '    event.preventDefault();',
    '    setBusy(true);',
    '    setError(undefined);',
    '    try {',
    '      setSession(await signIn(mode, email, password));',
    "      setPassword('');",
    '    } catch (caught) {',
    "      setError(caught instanceof ApiError || caught instanceof Error ? caught.message : 'Could not sign in');",
    '    } finally {',
    '      setBusy(false);',
    '    }',
    '  }',
    '',
    '  if (session) return <p role="status">Signed in as {session.user.email}.</p>;',
    '  return (',
    "    <form aria-label={mode === 'login' ? 'Log in' : 'Sign up'} onSubmit={(event) => void submit(event)}>",
    '      <label>',
    '        Email',
    '        <input name="email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} />',
    '      </label>',
    '      <label>',
    '        Password',
    "        <input name=\"password\" type=\"password\" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} minLength={8} required value={password} onChange={(event) => setPassword(event.target.value)} />",
    '      </label>',
    '      <button type="submit" disabled={busy}>',
    "        {mode === 'login' ? 'Log in' : 'Sign up'}",
    '      </button>',
    "      <button type=\"button\" onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}>",
    "        {mode === 'login' ? 'New here? Sign up' : 'Have an account? Log in'}",
    '      </button>',
    '      {error && <p role="alert">{error}</p>}',
    '    </form>',
    '  );',
    '}',
  ]);
}

const routingManager: RoleGenerator = (task) => {
  const pages = task.analysis.pages.map((page, index) => ({ page, path: index === 0 ? '/' : `/${kebabCase(page)}` }));
  // Without a page of its own for signing in, the form gets a route of its own.
  const signInRoute = task.analysis.hasApi && !pages.some(({ page }) => isSignInPage(page));
  const shell = editShared(task, WEB_SHELL_PATH, {
    'routing-imports': ["import { AppRouter } from './routes/app-router';"],
    routing: ['tree = <AppRouter />;'],
  });
  return output(wired(`Routes for ${pages.length} pages`, shell), [
    file(task, 'web/src/routes/app-router.tsx', [
      "import { lazy, Suspense, type ReactElement } from 'react';",
      "import { BrowserRouter, NavLink, Route, Routes } from 'react-router';",
      ...(signInRoute ? ["import { SignInForm } from './sign-in-form';"] : []),
      '',
      '// One chunk per page.',
      ...pages.map(({ page }) => `const ${page}Page = lazy(() => import('../pages/${kebabCase(page)}').then((module) => ({ default: module.${page}Page })));`),
      '',
      'export function AppRouter(): ReactElement {',
      '  return (',
      '    <BrowserRouter>',
      '      <nav aria-label="Main">',
      ...pages.map(({ page, path }) => `        <NavLink to="${path}">${humanize(page)}</NavLink>`),
      ...(signInRoute ? ['        <NavLink to="/sign-in">Sign in</NavLink>'] : []),
      '      </nav>',
      '      <Suspense fallback={<p role="status">Loading…</p>}>',
      '        <Routes>',
      ...pages.map(({ page, path }) => `          <Route path="${path}" element={<${page}Page />} />`),
      ...(signInRoute ? ['          <Route path="/sign-in" element={<SignInForm />} />'] : []),
      '          <Route path="*" element={<p>Page not found.</p>} />',
      '        </Routes>',
      '      </Suspense>',
      '    </BrowserRouter>',
      '  );',
      '}',
    ]),
    ...(task.analysis.hasApi ? [signInForm(task)] : []),
    ...shell,
  ]);
};

const assetOptimizer: RoleGenerator = (task) =>
  output('Vite build settings with vendor chunking and a 200 kB chunk budget.', [
    file(task, 'web/vite.config.ts', [
      "import react from '@vitejs/plugin-react';",
      "import { defineConfig } from 'vite';",
      '',
      'export default defineConfig({',
      '  plugins: [react()],',
      "  server: { proxy: { '/api': 'http://localhost:3000' } },",
      '  build: {',
      "    target: 'es2022',",
      '    sourcemap: true,',
      '    // Pages are lazy-loaded chunks; warn when any chunk exceeds the budget (kB).',
      '    chunkSizeWarningLimit: 200,',
      '    assetsInlineLimit: 4096,',
      '    rollupOptions: {',
      '      output: {',
      '        // React and the router: one long-cached vendor chunk.',
      "        manualChunks: (id: string) => (/node_modules\\/(react|react-dom|react-router|scheduler)\\//.test(id) ? 'vendor' : undefined),",
      '      },',
      '    },',
      '  },',
      '});',
    ]),
    file(task, 'docs/frontend/assets.md', [
      `# ${task.analysis.title}: client assets`,
      '',
      '- Budget: 200 kB per chunk (gzip), checked by the build warning and reviewed in QA.',
      '- React and the router form one long-cached vendor chunk; each page is its own chunk.',
      '- File names are content-hashed by Vite; serve `web/dist/assets/` with `Cache-Control: immutable`.',
      '- Images under 4 kB are inlined; larger ones should be served as AVIF/WebP with explicit sizes.',
    ]),
  ]);

export const FRONTEND_SHELL_GENERATORS: Record<string, RoleGenerator> = {
  'state-manager': stateManager,
  'api-integration-specialist': apiIntegrationSpecialist,
  'ui-ux-designer': uiUxDesigner,
  'routing-manager': routingManager,
  'asset-optimizer': assetOptimizer,
};
