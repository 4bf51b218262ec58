/**
 * Stage 5, Frontend Development (only when the request wants a web client). Four roles here
 * (routing, state, api-client, theme) each edit the shared shell web/src/App.tsx from stage 2 by
 * replacing only their own `// zekka:slot` lines.
 */
import { SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../structured-records.js';
import type { AgentRole } from '../types.js';

const UI_DESIGN = ['docs/requirements/requirements.md', 'docs/requirements/acceptance-criteria.md', 'docs/architecture/tech-stack.md', 'docs/architecture/api.md', SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH];
const WEB_SHELL = 'web/src/App.tsx';

export const FRONTEND_ROLES: AgentRole[] = [
  {
    id: 'component-generator',
    stage: 5,
    name: 'Component Generator',
    systemPrompt:
      'You write the React components one page needs, in web/src/components/<page>/ with an index.ts that re-exports them. ' +
      'Components are typed function components with accessible markup (labels, headings, roles), get their data through the hooks in web/src/api/, and hold no page-level state.',
    tier: 'standard',
    critical: false,
    writes: ['web/src/components/**'],
    reads: UI_DESIGN,
    produces: ['web/src/components/{subject}/index.ts'],
    select: { requires: ['frontend'] },
    instances: 'per-page',
    maxOutputTokens: 16384,
  },
  {
    id: 'page-creator',
    stage: 5,
    name: 'Page Creator',
    systemPrompt:
      'You write one page of the web client as web/src/pages/<page>.tsx, composing the components of web/src/components/<page>/ under a single h1 that names the page. ' +
      'Implement what the request says this page is for and nothing more; the route for the page is added by the Routing Manager.',
    tier: 'standard',
    critical: true,
    writes: ['web/src/pages/**'],
    reads: UI_DESIGN,
    produces: ['web/src/pages/{subject}.tsx'],
    select: { requires: ['frontend'] },
    instances: 'per-page',
    maxOutputTokens: 16384,
  },
  {
    id: 'state-manager',
    stage: 5,
    name: 'State Manager',
    systemPrompt:
      'You write the client state in web/src/state/store.tsx: a React context with a reducer holding the session and the current selection per entity, a StoreProvider and a useStore hook. ' +
      'Wire it into web/src/App.tsx only by replacing the lines `// zekka:slot state-imports` and `// zekka:slot state`; keep server data out of this store.',
    tier: 'standard',
    critical: false,
    writes: ['web/src/state/**', WEB_SHELL],
    reads: [...UI_DESIGN, WEB_SHELL],
    produces: ['web/src/state/store.tsx'],
    select: { requires: ['frontend'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'api-integration-specialist',
    stage: 5,
    name: 'API Integration Specialist',
    systemPrompt:
      'You connect the web client to the API: web/src/api/client.ts (a typed fetch client for every resource in docs/architecture/api.md, sending the bearer token), web/src/api/hooks.ts (loading and error aware hooks) and web/src/api/provider.tsx. ' +
      'Wire the provider into web/src/App.tsx only by replacing the lines `// zekka:slot api-client-imports` and `// zekka:slot api-client`.',
    tier: 'standard',
    critical: false,
    writes: ['web/src/api/**', WEB_SHELL],
    reads: [...UI_DESIGN, WEB_SHELL],
    produces: ['web/src/api/client.ts'],
    select: { requires: ['frontend'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'ui-ux-designer',
    stage: 5,
    name: 'UI/UX Designer',
    systemPrompt:
      'You define the look and feel: design tokens in web/src/theme/tokens.css (colour, spacing, type scale, focus ring, both light and dark), a ThemeProvider in web/src/theme/theme.tsx, and docs/design/ui.md describing layout and interaction rules per page. ' +
      'Meet WCAG 2.1 AA contrast; wire the theme into web/src/App.tsx only by replacing the lines `// zekka:slot theme-imports` and `// zekka:slot theme`.',
    tier: 'standard',
    critical: false,
    writes: ['web/src/theme/**', 'docs/design/**', WEB_SHELL],
    reads: [...UI_DESIGN, WEB_SHELL],
    produces: ['web/src/theme/theme.tsx'],
    select: { requires: ['frontend'] },
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'form-handler',
    stage: 5,
    name: 'Form Handler',
    systemPrompt:
      'You write the create/edit form of one entity as web/src/forms/<entity>-form.tsx: one labelled input per field with the right input type, client-side checks matching the API\'s validation, a disabled submit while saving, and the server\'s field errors shown next to their inputs. ' +
      'Submit through the client in web/src/api/.',
    tier: 'standard',
    critical: false,
    writes: ['web/src/forms/**'],
    reads: [...UI_DESIGN, 'prisma/schema/**'],
    produces: ['web/src/forms/{subject}-form.tsx'],
    select: { requires: ['frontend'] },
    instances: 'per-entity',
    maxOutputTokens: 16384,
  },
  {
    id: 'routing-manager',
    stage: 5,
    name: 'Routing Manager',
    systemPrompt:
      'You write the client routes in web/src/routes/app-router.tsx with react-router: one route per page, the first page at "/", a not-found route, and navigation links; and, when there is an API, web/src/routes/sign-in-form.tsx (log in or sign up through the API client\'s signIn, which keeps the token), routed at /sign-in unless a page is for signing in. ' +
      'Wire the router into web/src/App.tsx only by replacing the lines `// zekka:slot routing-imports` and `// zekka:slot routing`; page modules are web/src/pages/<page>.tsx.',
    tier: 'economy',
    critical: false,
    writes: ['web/src/routes/**', WEB_SHELL],
    reads: [...UI_DESIGN, WEB_SHELL],
    produces: ['web/src/routes/app-router.tsx'],
    select: { requires: ['frontend'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'asset-optimizer',
    stage: 5,
    name: 'Asset Optimizer',
    systemPrompt:
      'You own the client build: web/vite.config.ts with code splitting per route, vendor chunking, hashed file names and a size budget, and docs/frontend/assets.md stating the budget and how images and fonts are served. ' +
      'Only configuration and documentation; do not edit components.',
    tier: 'economy',
    critical: false,
    writes: ['web/vite.config.ts', 'docs/frontend/**'],
    reads: ['docs/architecture/tech-stack.md', 'docs/architecture/performance.md'],
    produces: ['web/vite.config.ts'],
    select: { requires: ['frontend'], minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 4096,
  },
];
