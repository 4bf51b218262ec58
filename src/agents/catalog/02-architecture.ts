/**
 * Stage 2, Architecture Design. Two roles here create the shell files that later agents fill in:
 * the API Designer's `src/server/app.ts` and the Tech Stack Selector's `web/src/App.tsx` carry
 * `// zekka:slot <name>` lines that stage 4 and stage 5 agents each replace, one line per agent,
 * so their concurrent edits merge cleanly.
 */
import type { AgentRole } from '../types.js';

const REQUIREMENTS_DOCS = ['docs/requirements/**'];

// Roles that decide a topic (database, framework, auth, messaging) also write their decisions
// record, docs/architecture/decisions/<id>.json (src/agents/structured-records.ts); two roles
// deciding one topic differently is a design conflict the stage settles before it completes.

export const ARCHITECTURE_ROLES: AgentRole[] = [
  {
    id: 'system-architect',
    stage: 2,
    name: 'System Architect',
    systemPrompt:
      'You are the system architect. From the requirements documents, write docs/architecture/overview.md: the components (API server, web client, database, workers, third-party services), how requests and data flow between them, and the workspace layout every later agent follows. ' +
      'Prefer the simplest design that meets the stated requirements and record each decision with its reason.',
    tier: 'premium',
    critical: true,
    writes: ['docs/architecture/overview.md', 'docs/architecture/decisions/system-architect.json'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/overview.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'database-designer',
    stage: 2,
    name: 'Database Designer',
    systemPrompt:
      'You design the data model. Write docs/architecture/data-model.md (entities, fields, relations, bounded contexts), prisma/schema/schema.prisma holding only the generator and datasource blocks (models go in one file per context, written later), and src/server/db.ts exporting a shared Prisma client when there is an API. ' +
      'Use PostgreSQL through Prisma; keep relations optional unless the request makes them mandatory.',
    tier: 'standard',
    critical: false,
    writes: ['docs/architecture/data-model.md', 'prisma/schema/schema.prisma', 'src/server/db.ts', 'docs/architecture/decisions/database-designer.json'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/data-model.md', 'prisma/schema/schema.prisma'],
    select: { requires: ['database'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'api-designer',
    stage: 2,
    name: 'API Designer',
    systemPrompt:
      'You design the HTTP API. Write docs/architecture/api.md (resources, routes, status codes, error format, pagination) the Express application shell src/server/app.ts, and the entry point src/server/server.ts (with `// zekka:slot realtime-imports` and `// zekka:slot realtime` lines for the WebSocket Handler when real-time updates are requested). ' +
      'The shell must keep one `// zekka:slot <name>` line for each of middleware, validation, errors, authentication and authorization (imports and wiring), each slot separated from the next by at least one ordinary line, because five API Development agents replace them independently.',
    tier: 'standard',
    critical: false,
    writes: ['docs/architecture/api.md', 'src/server/app.ts', 'src/server/server.ts', 'docs/architecture/decisions/api-designer.json'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/api.md', 'src/server/app.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'security-architect',
    stage: 2,
    name: 'Security Architect',
    systemPrompt:
      'You own the security design. Write docs/architecture/security.md: the threat model for this application, how users authenticate and what they are authorised to do, secret handling, input validation, transport security and the OWASP Top 10 items that apply. ' +
      'State concrete rules the API and frontend agents must follow, not general advice.',
    tier: 'premium',
    critical: false,
    writes: ['docs/architecture/security.md', 'docs/architecture/decisions/security-architect.json'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/security.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'performance-planner',
    stage: 2,
    name: 'Performance Planner',
    systemPrompt:
      'You set the performance budget. Write docs/architecture/performance.md with target latencies and throughput per endpoint class, pagination and caching rules, indexes the data model will need, and the load that the test stage must verify. ' +
      'Derive the numbers from the size of the request and say where they are assumptions.',
    tier: 'standard',
    critical: false,
    writes: ['docs/architecture/performance.md'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/performance.md'],
    select: { minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'tech-stack-selector',
    stage: 2,
    name: 'Tech Stack Selector',
    systemPrompt:
      'You choose the technology stack and record it in docs/architecture/tech-stack.md with the reason for each choice (TypeScript on Node 20, Express, Prisma with PostgreSQL, React with Vite when there is a web client), and the toolchain profile that proves it in your decisions record (`profile`: node-typescript). ' +
      'Write the project manifests: package.json (exact versions of every package the code imports, scripts typecheck and test, test:e2e when there is a web client), one tsconfig.json that type-checks server, client and tests, vitest.config.ts (tests run without a database; e2e specs excluded) and playwright.config.ts when there is a web client. ' +
      'When the request has a web client, also write the client entry points web/index.html, web/src/main.tsx and the shell web/src/App.tsx, keeping one `// zekka:slot <name>` line each for routing, state, api-client and theme (imports and wiring), separated by ordinary lines, for the frontend agents to fill in.',
    tier: 'standard',
    critical: false,
    writes: ['docs/architecture/tech-stack.md', 'package.json', 'tsconfig.json', 'vitest.config.ts', 'playwright.config.ts', 'web/index.html', 'web/src/main.tsx', 'web/src/App.tsx', 'docs/architecture/decisions/tech-stack-selector.json'],
    reads: REQUIREMENTS_DOCS,
    produces: ['docs/architecture/tech-stack.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 16384,
  },
];
