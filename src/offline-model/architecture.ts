/** Offline generators of stage 2, Architecture Design. */
import type { AgentTask } from '../agents/agent-task.js';
import { decisionRecord, type DecisionTopic, type Reading } from './decision-records.js';
import { domainModel } from './domain.js';
import { bullets, file, output, type OutputFile, type RoleGenerator } from './scaffold.js';
import { appShell, serverEntry, webShell } from './shells.js';
import { nodeManifests } from './stack-manifests.js';
import { stackProfile, type ProfileDecision } from './stack-profile.js';

function layout(task: AgentTask): string[] {
  const a = task.analysis;
  return [
    'docs/ — requirements, architecture, API reference, guides, QA reports',
    ...(a.hasDatabase ? ['prisma/schema/ — Prisma models, one file per bounded context, and SQL migrations', 'prisma/seed/ — development seed data'] : []),
    ...(a.hasApi ? ['src/server/ — the Express API (app.ts shell, routes, controllers, validation, auth, errors)'] : []),
    ...(a.hasFrontend ? ['web/ — the React client (Vite): pages, components, forms, state, API client, theme'] : []),
    'tests/ — unit, integration, contract, security and performance tests',
    'Dockerfile, docker-compose.yml, deploy/, .github/workflows/ — delivery',
  ];
}

const systemArchitect: RoleGenerator = (task) => {
  const a = task.analysis;
  const components = [
    a.hasFrontend && 'Web client: a React single-page app served as static files, talking to the API over HTTPS with a bearer token.',
    a.hasApi && 'API server: a stateless Node.js (Express) process; any number of replicas behind a load balancer.',
    a.hasDatabase && `Database: PostgreSQL, accessed only by the API through Prisma; ${a.contexts.length} bounded context(s): ${a.contexts.join(', ')}.`,
    a.realtime && 'Real-time channel: Socket.IO on the API server pushes `<entity>.changed` events to signed-in clients.',
    ...a.integrations.map((name) => `${name}: called from the API server only, through src/server/integrations/${name}.ts.`),
  ].filter((item): item is string => typeof item === 'string');
  return output(`Architecture overview with ${components.length} components.`, [
    file(task, 'docs/architecture/overview.md', [
      `# ${a.title}: architecture overview`,
      '',
      '## Components',
      '',
      ...bullets(components),
      '',
      '## Request flow',
      '',
      a.hasApi
        ? `${a.hasFrontend ? 'The browser' : 'A client'} calls \`/api/<resource>\`; the API authenticates the token, checks the permission, validates the body, runs the controller${a.hasDatabase ? ', which reads or writes PostgreSQL through Prisma' : ''}, and answers JSON.${a.realtime ? ' Changes are then broadcast to subscribed clients.' : ''}`
        : 'The request asks for no HTTP API; the application runs as a single process.',
      '',
      '## Workspace layout',
      '',
      ...bullets(layout(task)),
      '',
      '## Decisions',
      '',
      '- One deployable API process and one static client: the simplest shape that meets the request.',
      '- Shared shell files (`src/server/app.ts`, `web/src/App.tsx`) carry one slot line per cross-cutting concern, so the agents that own those concerns can edit them in parallel.',
    ]),
  ]);
};

/**
 * src/server/db.ts: one store per model behind the slice of Prisma's delegate API the controllers
 * use. With DATABASE_URL it is the Prisma client (loaded at run time, so the code type-checks
 * without `prisma generate`); without it, in-memory stores — what the tests and a first try use.
 */
function dataAccess(models: string[]): string[] {
  return [
    "import { randomUUID } from 'node:crypto';",
    '',
    '/** A stored row: its id and timestamps, and the fields of its model. */',
    'export type Row = { id: string; createdAt: Date; updatedAt: Date } & Record<string, unknown>;',
    'type Data = Record<string, unknown>;',
    'type ById = { where: { id: string } };',
    '',
    "/** The part of Prisma's model delegate the API uses; PrismaClient's delegates satisfy it. */",
    'export interface ModelStore {',
    "  findMany(args: { skip?: number; take?: number; orderBy?: { createdAt: 'asc' | 'desc' } }): Promise<Row[]>;",
    '  findUnique(args: ById): Promise<Row | null>;',
    '  findFirst(args?: { select?: { id: true } }): Promise<Partial<Row> | null>;',
    '  create(args: { data: Data }): Promise<Row>;',
    '  updateMany(args: ById & { data: Data }): Promise<{ count: number }>;',
    '  deleteMany(args: ById): Promise<{ count: number }>;',
    '}',
    '',
    '/** A sign-in identity (POST /api/auth/signup, /login): the password is kept only as an scrypt hash. */',
    'export interface Credential {',
    '  id: string;',
    '  email: string;',
    '  passwordHash: string;',
    '  role: string;',
    '  createdAt: Date;',
    '  updatedAt: Date;',
    '}',
    '',
    "/** The part of Prisma's Credential delegate that sign-up and login use; `email` is unique. */",
    'export interface CredentialStore {',
    '  findUnique(args: { where: { email: string } }): Promise<Credential | null>;',
    '  create(args: { data: { email: string; passwordHash: string; role: string } }): Promise<Credential>;',
    '}',
    '',
    `export interface Database {`,
    ...models.map((name) => `  ${name}: ModelStore;`),
    '  credential: CredentialStore;',
    '}',
    '',
    '/** A store that keeps rows in memory (lost on restart): tests and runs without DATABASE_URL. */',
    'export function memoryStore(): ModelStore {',
    '  const rows = new Map<string, Row>();',
    '  return {',
    '    async findMany({ skip = 0, take = 100, orderBy }) {',
    '      const all = [...rows.values()];',
    "      if (orderBy?.createdAt === 'desc') all.reverse();",
    '      return all.slice(skip, skip + take);',
    '    },',
    '    async findUnique({ where }) {',
    '      return rows.get(where.id) ?? null;',
    '    },',
    '    async findFirst() {',
    '      return rows.values().next().value ?? null;',
    '    },',
    '    async create({ data }) {',
    '      const now = new Date();',
    '      const row: Row = { ...data, id: randomUUID(), createdAt: now, updatedAt: now };',
    '      rows.set(row.id, row);',
    '      return row;',
    '    },',
    '    async updateMany({ where, data }) {',
    '      const row = rows.get(where.id);',
    '      if (!row) return { count: 0 };',
    '      rows.set(where.id, { ...row, ...data, id: row.id, createdAt: row.createdAt, updatedAt: new Date() });',
    '      return { count: 1 };',
    '    },',
    '    async deleteMany({ where }) {',
    '      return { count: rows.delete(where.id) ? 1 : 0 };',
    '    },',
    '  };',
    '}',
    '',
    '/** Credentials in memory, unique by email like the table: a second sign-up fails as Prisma would (P2002). */',
    'export function memoryCredentialStore(): CredentialStore {',
    '  const byEmail = new Map<string, Credential>();',
    '  return {',
    '    async findUnique({ where }) {',
    '      return byEmail.get(where.email) ?? null;',
    '    },',
    '    async create({ data }) {',
    "      if (byEmail.has(data.email)) throw Object.assign(new Error('Unique constraint failed on the fields: (`email`)'), { code: 'P2002' });",
    '      const now = new Date();',
    '      const row: Credential = { ...data, id: randomUUID(), createdAt: now, updatedAt: now };',
    '      byEmail.set(row.email, row);',
    '      return row;',
    '    },',
    '  };',
    '}',
    '',
    'export function memoryDatabase(): Database {',
    '  return {',
    ...models.map((name) => `    ${name}: memoryStore(),`),
    '    credential: memoryCredentialStore(),',
    '  };',
    '}',
    '',
    '/** The generated Prisma client (`npm run db:generate` first), typed by the interface it satisfies. */',
    'async function prismaDatabase(): Promise<Database> {',
    "  const clientModule = '@prisma/client';",
    '  const { PrismaClient } = (await import(clientModule)) as { PrismaClient: new () => Database };',
    '  return new PrismaClient();',
    '}',
    '',
    '/** The database of the API process: PostgreSQL through Prisma when DATABASE_URL is set, else memory. */',
    'export const prisma: Database = process.env.DATABASE_URL ? await prismaDatabase() : memoryDatabase();',
  ];
}

/** Sign-up and login's table (the migration creates it: database.ts). */
export const CREDENTIAL_MODEL = [
  '/// A sign-in identity: POST /api/auth/signup creates one, /login checks it. Only an scrypt hash of the password.',
  'model Credential {',
  '  id           String   @id @default(cuid())',
  '  email        String   @unique',
  '  passwordHash String',
  '  role         String',
  '  createdAt    DateTime @default(now())',
  '  updatedAt    DateTime @updatedAt',
  '}',
];

const databaseDesigner: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const files: OutputFile[] = [
    file(task, 'docs/architecture/data-model.md', [
      `# ${task.analysis.title}: data model`,
      '',
      '```mermaid',
      'erDiagram',
      ...model.entities.flatMap((entity) => entity.relations.map((relation) => `  ${relation.target} ||--o{ ${entity.name} : ${relation.name}`)),
      ...model.entities.filter((entity) => entity.relations.length === 0 && entity.backRelations.length === 0).map((entity) => `  ${entity.name} {\n    String id\n  }`),
      '```',
      ...model.contexts.flatMap((context) => [
        '',
        `## Context: ${context.name}`,
        ...context.entities.flatMap((entity) => [
          '',
          `### ${entity.name}`,
          '',
          '| field | type | required |',
          '|---|---|---|',
          '| id | String (cuid) | yes |',
          ...entity.scalars.map((field) => `| ${field.name} | ${field.type} | ${field.required ? 'yes' : 'no'} |`),
          ...entity.relations.map((relation) => `| ${relation.foreignKey} | → ${relation.target}.id | no |`),
          '| createdAt, updatedAt | DateTime | yes |',
        ]),
      ]),
    ]),
    file(task, 'prisma/schema/schema.prisma', [
      '// Generator and datasource only: the models live in one file per bounded context beside this one.',
      'generator client {',
      '  provider = "prisma-client-js"',
      '}',
      '',
      'datasource db {',
      '  provider = "postgresql"',
      '  url      = env("DATABASE_URL")',
      '}',
      // The sign-in identities behind src/server/auth/auth-routes.ts, beside the request's own models.
      ...(task.analysis.hasApi ? ['', ...CREDENTIAL_MODEL] : []),
    ]),
  ];
  if (task.analysis.hasApi) {
    files.push(
      file(task, 'src/server/db.ts', dataAccess(model.entities.map((entity) => entity.camel))),
    );
  }
  return output(`Data model of ${model.entities.length} entities in ${model.contexts.length} contexts.`, files);
};

const apiDesigner: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  return output(`API design for ${model.entities.length} resources, the app.ts shell with 10 slot lines, and server.ts.`, [
    file(task, 'docs/architecture/api.md', [
      `# ${task.analysis.title}: HTTP API`,
      '',
      'All routes live under `/api`, take and return JSON, and need `Authorization: Bearer <token>`.',
      'Lists take `?page=1&pageSize=20` (at most 100) and return newest first.',
      'Errors answer `{ "error": { "code": string, "message": string, "field"?: string } }`.',
      '',
      '| method | path | answer |',
      '|---|---|---|',
      ...model.entities.flatMap((entity) => [
        `| GET | /api/${entity.pluralKebab} | 200 list of ${entity.name} |`,
        `| POST | /api/${entity.pluralKebab} | 201 the created ${entity.name}, 400 invalid body |`,
        `| GET | /api/${entity.pluralKebab}/:id | 200 the ${entity.name}, 404 |`,
        `| PATCH | /api/${entity.pluralKebab}/:id | 200 the updated ${entity.name}, 400, 404 |`,
        `| DELETE | /api/${entity.pluralKebab}/:id | 204, 404 |`,
      ]),
      '| GET | /health | 200 `{ "status": "ok" }` (no token) |',
    ]),
    appShell(task),
    serverEntry(task),
  ]);
};

const securityArchitect: RoleGenerator = (task) => {
  const a = task.analysis;
  const roles = /\b(?:admin|administrators?|roles?)\b/i.test(task.requirements) ? 'admin and member' : 'member (one role; add more when needed)';
  return output('Security design: tokens, roles, validation, secrets.', [
    file(task, 'docs/architecture/security.md', [
      `# ${a.title}: security`,
      '',
      '## Rules every agent follows',
      '',
      ...bullets([
        a.hasApi && 'Every `/api` route requires a bearer token signed with HMAC-SHA256 using `AUTH_TOKEN_SECRET`; tokens expire after one hour.',
        a.hasApi && `Roles: ${roles}. Permissions are declared per resource and denied by default.`,
        a.hasApi && 'Every request body is validated with zod before a controller runs; unknown fields are refused.',
        'Secrets only come from the environment; `.env` files are never committed or copied into images.',
        a.hasFrontend && 'The client renders user text through React only (no `dangerouslySetInnerHTML`) and stores the token in memory, not localStorage.',
        a.hasDatabase && 'The database user of the API owns only its schema; queries go through Prisma (no string-built SQL).',
        a.realtime && 'Socket.IO handshakes carry the same bearer token; events go to per-user rooms only.',
        ...a.integrations.map((name) => `${name} keys are read from the environment and never logged.`),
      ].filter((item): item is string => typeof item === 'string')),
      '',
      '## OWASP Top 10 items that apply',
      '',
      ...bullets(['A01 Broken access control', 'A02 Cryptographic failures', 'A03 Injection', 'A05 Security misconfiguration', 'A07 Identification and authentication failures']),
      '',
      '## Open question',
      '',
      '- Sign-in (issuing tokens) needs a user store and a password or identity-provider decision the request does not make.',
    ]),
  ]);
};

const performancePlanner: RoleGenerator = (task) => {
  const a = task.analysis;
  const rps = { small: 20, medium: 100, large: 500 }[a.size];
  const model = domainModel(a);
  return output(`Performance budget for a ${a.size} project (${rps} requests/s).`, [
    file(task, 'docs/architecture/performance.md', [
      `# ${a.title}: performance budget`,
      '',
      `These numbers are assumptions sized for a ${a.size} project; the request states none.`,
      '',
      '| endpoint class | p95 latency | sustained load |',
      '|---|---|---|',
      `| read one | 100 ms | ${rps} req/s |`,
      `| list (one page) | 200 ms | ${rps} req/s |`,
      `| write | 250 ms | ${Math.ceil(rps / 5)} req/s |`,
      '',
      '## Rules',
      '',
      '- Every list is paginated (default 20, at most 100 rows).',
      '- Every foreign key is indexed, and so is `createdAt` for newest-first lists.',
      ...(a.hasFrontend ? ['- Initial client bundle at most 200 kB gzipped; each page loads as its own chunk.'] : []),
      '',
      '## Indexes expected',
      '',
      ...bullets(model.entities.flatMap((entity) => [...entity.relations.map((relation) => `${entity.name}(${relation.foreignKey})`), `${entity.name}(createdAt)`])),
    ]),
  ]);
};

const techStackSelector: RoleGenerator = (task) => {
  const a = task.analysis;
  const files: OutputFile[] = [
    file(task, 'docs/architecture/tech-stack.md', [
      `# ${a.title}: technology stack`,
      '',
      ...bullets([
        'TypeScript on Node.js 20: one language across client and server.',
        a.hasApi && 'Express 5: small, well known, async errors handled natively.',
        a.hasApi && 'zod 4: request validation and the types derived from it.',
        a.hasDatabase && 'Prisma 6 with PostgreSQL 16: typed queries and versioned SQL migrations (multi-file schema in prisma/schema/).',
        a.hasFrontend && 'React 19 with Vite and react-router 7: a fast single-page client with per-route code splitting.',
        a.realtime && 'Socket.IO: real-time events with reconnection and rooms.',
        'Vitest and supertest for tests (`npm test`, in-memory stores, no database needed); Playwright for end-to-end tests when there is a web client (`npm run test:e2e`).',
        `Toolchain profile: ${stackProfile(a).choice} (${stackProfile(a).reason}).`,
        'Docker and GitHub Actions for delivery.',
      ].filter((item): item is string => typeof item === 'string')),
    ]),
    ...nodeManifests(task),
  ];
  if (a.hasFrontend) {
    files.push(
      file(task, 'web/index.html', [
        '<!doctype html>',
        '<html lang="en">',
        '  <head>',
        '    <meta charset="UTF-8" />',
        '    <meta name="viewport" content="width=device-width, initial-scale=1.0" />',
        `    <title>${a.title.replace(/[<>&"]/g, '')}</title>`,
        '  </head>',
        '  <body>',
        '    <div id="root"></div>',
        '    <script type="module" src="/src/main.tsx"></script>',
        '  </body>',
        '</html>',
      ]),
      file(task, 'web/src/main.tsx', [
        "import { StrictMode } from 'react';",
        "import { createRoot } from 'react-dom/client';",
        "import { App } from './App';",
        '',
        "const container = document.getElementById('root');",
        "if (!container) throw new Error('index.html has no #root element');",
        'createRoot(container).render(',
        '  <StrictMode>',
        '    <App />',
        '  </StrictMode>,',
        ');',
      ]),
      webShell(task),
    );
  }
  return output(a.hasFrontend ? 'Stack chosen; web client entry points and the App.tsx shell with 8 slot lines written.' : 'Stack chosen (no web client).', files);
};

/** The topics each role decides, and how it reads the request for them (./decision-records.ts). */
const DECIDES: Readonly<Record<string, Partial<Record<DecisionTopic, Reading>>>> = {
  'system-architect': { messaging: 'first' },
  'database-designer': { database: 'first' },
  'api-designer': { framework: 'first', auth: 'last' },
  'security-architect': { auth: 'first' },
  'tech-stack-selector': { database: 'last', framework: 'last', messaging: 'last' },
};

/** The role's own files plus its decisions record. */
const deciding =
  (generator: RoleGenerator): RoleGenerator =>
  (task) => {
    const answer = generator(task);
    // The Tech Stack Selector also names the toolchain profile that proves the software.
    const extra: Record<string, ProfileDecision> = task.agentId === 'tech-stack-selector' ? { profile: stackProfile(task.analysis) } : {};
    return output(answer.summary, [...answer.files, ...decisionRecord(task, DECIDES[task.agentId] ?? {}, extra)]);
  };

export const ARCHITECTURE_GENERATORS: Record<string, RoleGenerator> = {
  'system-architect': deciding(systemArchitect),
  'database-designer': deciding(databaseDesigner),
  'api-designer': deciding(apiDesigner),
  'security-architect': deciding(securityArchitect),
  'performance-planner': performancePlanner,
  'tech-stack-selector': deciding(techStackSelector),
};
