/** Offline generators of stage 6, Integration. */
import { pascalCase } from '../agents/naming.js';
import { rolesOf } from './api-cross-cutting.js';
import { domainModel } from './domain.js';
import { bullets, file, output, slugOf, subjectName, type OutputFile, type RoleGenerator } from './scaffold.js';
import { APP_SHELL_PATH, editShared } from './slots.js';
import { SERVER_ENTRY_PATH } from './shells.js';

interface ServiceFacts {
  env: string[];
  baseUrl: string;
  /** A TypeScript expression for the Authorization header, using `env(name)`. */
  authorization: string;
  note: string;
}

const SERVICES: Record<string, ServiceFacts> = {
  sendgrid: { env: ['SENDGRID_API_KEY'], baseUrl: "'https://api.sendgrid.com/v3'", authorization: "`Bearer ${env('SENDGRID_API_KEY')}`", note: 'Mail Send is POST /mail/send (answers 202).' },
  stripe: { env: ['STRIPE_SECRET_KEY'], baseUrl: "'https://api.stripe.com/v1'", authorization: "`Bearer ${env('STRIPE_SECRET_KEY')}`", note: 'Stripe expects form-encoded bodies; prefer the official `stripe` package for webhooks.' },
  twilio: {
    env: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'],
    baseUrl: "'https://api.twilio.com/2010-04-01'",
    authorization: "`Basic ${Buffer.from(`${env('TWILIO_ACCOUNT_SID')}:${env('TWILIO_AUTH_TOKEN')}`).toString('base64')}`",
    note: 'Twilio expects form-encoded bodies.',
  },
  slack: { env: ['SLACK_BOT_TOKEN'], baseUrl: "'https://slack.com/api'", authorization: "`Bearer ${env('SLACK_BOT_TOKEN')}`", note: 'Messages are POST /chat.postMessage; Slack answers 200 with `ok: false` on errors.' },
  github: { env: ['GITHUB_TOKEN'], baseUrl: "'https://api.github.com'", authorization: "`Bearer ${env('GITHUB_TOKEN')}`", note: 'Send `accept: application/vnd.github+json`.' },
};

/** The environment variables an integration client reads. */
export function integrationEnv(name: string): string[] {
  const upper = name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return SERVICES[name]?.env ?? [`${upper}_API_KEY`, `${upper}_BASE_URL`];
}

function serviceFacts(name: string): ServiceFacts {
  const [key = 'API_KEY', base = 'BASE_URL'] = integrationEnv(name);
  return SERVICES[name] ?? { env: [key, base], baseUrl: `env('${base}')`, authorization: `\`Bearer \${env('${key}')}\``, note: `The request names ${name} without details; set the base URL of its HTTP API.` };
}

const apiIntegrationTester: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const app = task.context.find((candidate) => candidate.path === APP_SHELL_PATH)?.content ?? '';
  const unfilled = [...app.matchAll(/\/\/ zekka:slot ([a-z-]+)$/gm)].map((match) => match[1]).filter((name) => !name?.endsWith('-imports'));
  const role = rolesOf(task)[0] ?? 'member';
  return output(`Contract tests for ${model.entities.length} resources${unfilled.length > 0 ? `; app.ts still lacks: ${unfilled.join(', ')}` : ''}.`, [
    file(task, 'tests/contract/api-contract.test.ts', [
      '// Checks the built API against docs/architecture/api.md. Runs against the in-memory stores (TEST_DATABASE_URL: a disposable PostgreSQL database).',
      ...(unfilled.length > 0 ? [`// app.ts slots still unfilled when these tests were written: ${unfilled.join(', ')}.`] : []),
      "import request from 'supertest';",
      "import { beforeAll, describe, expect, it } from 'vitest';",
      "import { createApp } from '../../src/server/app.js';",
      "import { signToken } from '../../src/server/auth/tokens.js';",
      '',
      'const app = createApp();',
      "let auth = '';",
      'beforeAll(() => {',
      "  process.env.AUTH_TOKEN_SECRET ??= 'contract-test-secret-at-least-32-characters';",
      `  auth = \`Bearer \${signToken({ sub: 'contract-test', role: '${role}' })}\`;`,
      '});',
      '',
      "describe('API contract', () => {",
      "  it('GET /health answers 200 without a token', async () => {",
      "    await request(app).get('/health').expect(200, { status: 'ok' });",
      '  });',
      ...model.entities.flatMap((entity) => [
        '',
        `  it('GET /api/${entity.pluralKebab} answers 200 with an array', async () => {`,
        `    const response = await request(app).get('/api/${entity.pluralKebab}').set('authorization', auth).expect(200);`,
        '    expect(Array.isArray(response.body)).toBe(true);',
        '  });',
        '',
        `  it('GET /api/${entity.pluralKebab}/:id of an unknown id answers 404 in the error format', async () => {`,
        `    const response = await request(app).get('/api/${entity.pluralKebab}/does-not-exist').set('authorization', auth).expect(404);`,
        "    expect(response.body).toMatchObject({ error: { code: 'not_found' } });",
        '  });',
      ]),
      '});',
    ]),
  ]);
};

const databaseIntegrationValidator: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const schema = task.context.filter((candidate) => candidate.path.startsWith('prisma/schema/') && candidate.path.endsWith('.prisma')).map((candidate) => candidate.content).join('\n');
  const controllers = task.context.filter((candidate) => candidate.path.startsWith('src/server/controllers/'));
  const findings = model.entities.flatMap((entity) => {
    const modelled = new RegExp(`^model ${entity.name} \\{`, 'm').test(schema);
    const controller = controllers.find((candidate) => candidate.path.endsWith(`/${entity.kebab}.controller.ts`));
    const queried = controller?.content.includes(`prisma.${entity.camel}.`) ?? false;
    if (modelled && queried) return [`${entity.name}: model and controller agree (prisma.${entity.camel}).`];
    return [`${entity.name}: ${modelled ? 'model present' : 'MODEL MISSING from the schema files seen'}, ${controller ? (queried ? 'controller queries it' : 'CONTROLLER DOES NOT QUERY IT') : 'no controller seen'}.`];
  });
  return output(`Database readiness check and ${findings.length} schema/controller findings.`, [
    file(task, 'src/server/health/database.ts', [
      "import { prisma } from '../db.js';",
      '',
      'export interface DatabaseHealth {',
      '  ok: boolean;',
      '  tables: Record<string, boolean>;',
      '}',
      '',
      '// One cheap query per model: fails when the table is missing or unreachable.',
      'const CHECKS: Array<[string, () => Promise<unknown>]> = [',
      ...model.entities.map((entity) => `  ['${entity.name}', () => prisma.${entity.camel}.findFirst({ select: { id: true } })],`),
      '];',
      '',
      'export async function checkDatabase(): Promise<DatabaseHealth> {',
      '  const tables: Record<string, boolean> = {};',
      '  for (const [name, check] of CHECKS) {',
      '    tables[name] = await check().then(',
      '      () => true,',
      '      () => false,',
      '    );',
      '  }',
      '  return { ok: Object.values(tables).every(Boolean), tables };',
      '}',
    ]),
    file(task, 'docs/integration/database.md', [
      `# ${task.analysis.title}: API and database`,
      '',
      `Checked ${controllers.length} controller file(s) against the Prisma schema files in context.`,
      '',
      ...bullets(findings),
    ]),
  ]);
};

const thirdPartyServiceIntegrator: RoleGenerator = (task) => {
  const name = subjectName(task).toLowerCase();
  const facts = serviceFacts(name);
  const prefix = pascalCase(name);
  const camel = prefix.charAt(0).toLowerCase() + prefix.slice(1);
  return output(`${name} client reading ${facts.env.join(', ')}.`, [
    file(task, `src/server/integrations/${slugOf(task)}.ts`, [
      `// ${prefix} client. Environment: ${facts.env.join(', ')}. ${facts.note}`,
      '',
      'function env(name: string): string {',
      '  const value = process.env[name];',
      '  if (!value) throw new Error(`${name} is not set`);',
      '  return value;',
      '}',
      '',
      `export class ${prefix}Error extends Error {`,
      '  constructor(',
      '    readonly status: number,',
      '    message: string,',
      '  ) {',
      '    super(message);',
      '  }',
      '}',
      '',
      `/** One call to the ${name} HTTP API with a 10 s timeout; non-2xx answers throw ${prefix}Error. */`,
      `export async function ${camel}Request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T | undefined> {`,
      `  const response = await fetch(\`\${${facts.baseUrl}}\${path}\`, {`,
      "    method: init.method ?? 'GET',",
      `    headers: { authorization: ${facts.authorization}, 'content-type': 'application/json' },`,
      '    body: init.body === undefined ? undefined : JSON.stringify(init.body),',
      '    signal: AbortSignal.timeout(10_000),',
      '  });',
      `  if (!response.ok) throw new ${prefix}Error(response.status, \`${name} \${path} answered \${response.status}\`);`,
      "  const text = await response.text();",
      '  return text === \'\' ? undefined : (JSON.parse(text) as T);',
      '}',
    ]),
  ]);
};

const websocketHandler: RoleGenerator = (task) => {
  const names = task.analysis.entities;
  const shell = editShared(task, SERVER_ENTRY_PATH, {
    'realtime-imports': ["import { attachRealtime } from './realtime/socket.js';"],
    realtime: ['attachRealtime(server);'],
  });
  const files: OutputFile[] = [
    file(task, 'src/server/realtime/socket.ts', [
      "import type { Server as HttpServer } from 'node:http';",
      "import { Server } from 'socket.io';",
      "import { verifyToken } from '../auth/tokens.js';",
      '',
      `export type EntityName = ${names.length > 0 ? names.map((name) => `'${name}'`).join(' | ') : 'string'};`,
      "export interface ChangeEvent {",
      '  entity: EntityName;',
      '  id: string;',
      "  action: 'created' | 'updated' | 'deleted';",
      '}',
      '',
      'let io: Server | undefined;',
      '',
      '/** Socket.IO at /ws; the handshake must carry the same bearer token as the API (`auth.token`). */',
      'export function attachRealtime(server: HttpServer): Server {',
      "  io = new Server(server, { path: '/ws' });",
      '  io.use((socket, next) => {',
      '    const token: unknown = socket.handshake.auth.token;',
      "    const claims = typeof token === 'string' ? verifyToken(token) : undefined;",
      "    if (!claims) return next(new Error('unauthenticated'));",
      '    socket.data.userId = claims.sub;',
      '    next();',
      '  });',
      "  io.on('connection', (socket) => {",
      '    void socket.join(`user.${String(socket.data.userId)}`);',
      '  });',
      '  return io;',
      '}',
      '',
      '/** Tells one user about a change; events only ever go to per-user rooms. */',
      'export function notifyUser(userId: string, event: ChangeEvent): void {',
      '  io?.to(`user.${userId}`).emit(`${event.entity}.changed`, event);',
      '}',
    ]),
  ];
  if (task.analysis.hasFrontend) {
    files.push(
      file(task, 'web/src/realtime/use-live-updates.ts', [
        "import { useEffect } from 'react';",
        "import { io } from 'socket.io-client';",
        '',
        '/** Calls `onChange` whenever the server reports a change to `entity` (pass a stable callback). */',
        'export function useLiveUpdates(entity: string, token: string | undefined, onChange: () => void): void {',
        '  useEffect(() => {',
        '    if (!token) return undefined;',
        "    const socket = io({ path: '/ws', auth: { token } });",
        '    socket.on(`${entity}.changed`, onChange);',
        '    return () => {',
        '      socket.disconnect();',
        '    };',
        '  }, [entity, token, onChange]);',
        '}',
      ]),
    );
  }
  const wiredNote = shell.length > 0 ? 'attached in server.ts through its slot lines' : 'server.ts or its slot lines not in context, so server.ts is left alone';
  return output(`Socket.IO with per-user rooms; ${wiredNote}.`, [...files, ...shell]);
};

const eventBusManager: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const events = model.entities.flatMap((entity) => ['created', 'updated', 'deleted'].map((action) => `${entity.camel}.${action}`));
  return output(`Typed event bus with ${events.length} domain events.`, [
    file(task, 'src/server/events/bus.ts', [
      "import { EventEmitter } from 'node:events';",
      '',
      'export interface DomainEvents {',
      "  'app.started': { at: string };",
      ...events.map((event) => `  '${event}': { id: string };`),
      '}',
      '',
      'const emitter = new EventEmitter();',
      '',
      'export function publish<K extends keyof DomainEvents>(name: K, payload: DomainEvents[K]): void {',
      '  emitter.emit(name, payload);',
      '}',
      '',
      '/** Subscribers run after the publisher returns; a failing subscriber is logged, never rethrown. */',
      'export function subscribe<K extends keyof DomainEvents>(name: K, handler: (payload: DomainEvents[K]) => void | Promise<void>): () => void {',
      '  const wrapped = (payload: DomainEvents[K]): void => {',
      '    Promise.resolve()',
      '      .then(() => handler(payload))',
      '      .catch((error: unknown) => console.error(`subscriber of ${name} failed`, error));',
      '  };',
      '  emitter.on(name, wrapped);',
      '  return () => emitter.off(name, wrapped);',
      '}',
    ]),
    file(task, 'docs/integration/events.md', [
      `# ${task.analysis.title}: domain events`,
      '',
      'Controllers publish after a successful write; payloads carry the id only, subscribers read what they need.',
      '',
      ...bullets(events.map((event) => `\`${event}\` → { id }`)),
    ]),
  ]);
};

export const INTEGRATION_GENERATORS: Record<string, RoleGenerator> = {
  'api-integration-tester': apiIntegrationTester,
  'database-integration-validator': databaseIntegrationValidator,
  'third-party-service-integrator': thirdPartyServiceIntegrator,
  'websocket-handler': websocketHandler,
  'event-bus-manager': eventBusManager,
};
