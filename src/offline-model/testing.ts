/** Offline generators of stage 7, Testing (Vitest, supertest, Playwright, autocannon, k6). */
import { humanize, kebabCase } from '../agents/naming.js';
import type { AgentTask } from '../agents/agent-task.js';
import { rolesOf } from './api-cross-cutting.js';
import { acceptanceCriteria } from './criteria.js';
import { domainModel, sampleLiteral, type EntityModel } from './domain.js';
import { file, output, slugOf, subjectName, type RoleGenerator } from './scaffold.js';

/** A valid request body for an entity, as a TypeScript/JavaScript object literal. */
function sampleBody(entity: EntityModel, n: number): string {
  const fields = entity.scalars.map((field) => `${field.name}: ${sampleLiteral(entity, field, n)}`);
  return fields.length > 0 ? `{ ${fields.join(', ')} }` : '{}';
}

function criteriaAbout(task: AgentTask, about: string): string {
  const ids = acceptanceCriteria(task.analysis).filter((criterion) => criterion.about === about).map((criterion) => criterion.id);
  return ids.length > 0 ? `// Covers ${ids.join(', ')} (docs/requirements/acceptance-criteria.md).` : '// No acceptance criterion names this subject.';
}

const TOKEN_SETUP = ["process.env.AUTH_TOKEN_SECRET ??= 'test-secret-of-at-least-32-characters!!';"];

const unitTestCreator: RoleGenerator = (task) => {
  const entity = domainModel(task.analysis).get(subjectName(task));
  const path = `tests/unit/${slugOf(task)}.test.ts`;
  if (!entity || (!task.analysis.hasApi && !task.analysis.hasDatabase)) {
    return output('Nothing entity-specific to unit test: a module smoke test.', [
      file(task, path, [
        "import { describe, expect, it } from 'vitest';",
        '',
        `describe('${task.analysis.title.replace(/'/g, '')}', () => {`,
        "  it('has a unit test suite that runs', () => {",
        '    expect(typeof describe).toBe(\'function\');',
        '  });',
        '});',
      ]),
    ]);
  }
  if (!task.analysis.hasApi) {
    return output(`Unit tests of the ${entity.name} seed data.`, [
      file(task, path, [
        criteriaAbout(task, entity.name),
        "import { describe, expect, it } from 'vitest';",
        `import { ${entity.camel}Seed } from '../prisma/seed/${entity.kebab}.js';`,
        '',
        `describe('${entity.name} seed data', () => {`,
        "  it('has rows with every required field', () => {",
        `    expect(${entity.camel}Seed.length).toBeGreaterThan(0);`,
        ...entity.scalars.filter((field) => field.required).map((field) => `    for (const row of ${entity.camel}Seed) expect(row.${field.name}).toBeDefined();`),
        '  });',
        '});',
      ]),
    ]);
  }
  const create = `${entity.camel}CreateSchema`;
  const required = entity.scalars.filter((field) => field.required && field.type !== 'Boolean');
  return output(`Unit tests of the ${entity.name} validation schemas (${required.length} required fields).`, [
    file(task, path, [
      criteriaAbout(task, entity.name),
      "import { describe, expect, it } from 'vitest';",
      `import { ${create}, ${entity.camel}UpdateSchema } from '../../src/server/validation/${entity.kebab}.schema.js';`,
      '',
      `const valid = ${sampleBody(entity, 1)};`,
      '',
      `describe('${entity.name} validation', () => {`,
      "  it('accepts a valid body', () => {",
      `    expect(${create}.safeParse(valid).success).toBe(true);`,
      '  });',
      ...required.flatMap((field) => [
        '',
        `  it('refuses a body without ${field.name}', () => {`,
        `    const { ${field.name}: _omitted, ...rest } = valid;`,
        `    expect(${create}.safeParse(rest).success).toBe(false);`,
        '  });',
        '',
        `  it('refuses a ${field.name} of the wrong type', () => {`,
        `    expect(${create}.safeParse({ ...valid, ${field.name}: ${field.type === 'String' ? '42' : "'not a value'"} }).success).toBe(false);`,
        '  });',
      ]),
      '',
      "  it('refuses unknown fields', () => {",
      `    expect(${create}.safeParse({ ...valid, unexpected: true }).success).toBe(false);`,
      '  });',
      '',
      "  it('accepts an empty update', () => {",
      `    expect(${entity.camel}UpdateSchema.safeParse({}).success).toBe(true);`,
      '  });',
      '});',
    ]),
  ]);
};

const integrationTestCreator: RoleGenerator = (task) => {
  const entity = domainModel(task.analysis).get(subjectName(task));
  const path = `tests/integration/${slugOf(task)}.test.ts`;
  if (!entity) return output('No entity for this instance: no integration test.', [file(task, path, ['export {};'])]);
  const base = `/api/${entity.pluralKebab}`;
  const label = entity.scalars.find((field) => field.name === entity.label && field.type === 'String');
  return output(`CRUD integration test of ${base}.`, [
    file(task, path, [
      criteriaAbout(task, entity.name),
      '// Runs against the in-memory stores; TEST_DATABASE_URL runs it against a disposable PostgreSQL database with the migrations applied.',
      "import request from 'supertest';",
      "import { describe, expect, it } from 'vitest';",
      "import { createApp } from '../../src/server/app.js';",
      "import { signToken } from '../../src/server/auth/tokens.js';",
      '',
      ...TOKEN_SETUP,
      `const auth = \`Bearer \${signToken({ sub: 'integration-test', role: '${rolesOf(task)[0] ?? 'member'}' })}\`;`,
      'const app = createApp();',
      '',
      `describe('${base}', () => {`,
      "  it('creates, reads, updates, lists and deletes', async () => {",
      `    const created = await request(app).post('${base}').set('authorization', auth).send(${sampleBody(entity, 1)}).expect(201);`,
      '    const id = (created.body as { id: string }).id;',
      `    await request(app).get(\`${base}/\${id}\`).set('authorization', auth).expect(200);`,
      // The update sends another valid value (an email field must stay an email).
      `    const updated = await request(app).patch(\`${base}/\${id}\`).set('authorization', auth).send(${label ? `{ ${label.name}: ${sampleLiteral(entity, label, 2)} }` : '{}'}).expect(200);`,
      label ? `    expect((updated.body as Record<string, unknown>).${label.name}).toBe(${sampleLiteral(entity, label, 2)});` : '    expect((updated.body as { id: string }).id).toBe(id);',
      `    const list = await request(app).get('${base}').set('authorization', auth).expect(200);`,
      '    expect((list.body as Array<{ id: string }>).some((row) => row.id === id)).toBe(true);',
      `    await request(app).delete(\`${base}/\${id}\`).set('authorization', auth).expect(204);`,
      `    await request(app).get(\`${base}/\${id}\`).set('authorization', auth).expect(404);`,
      '  });',
      '});',
    ]),
  ]);
};

const e2eTestCreator: RoleGenerator = (task) => {
  const page = subjectName(task);
  const index = task.analysis.pages.indexOf(page);
  const url = index <= 0 ? '/' : `/${kebabCase(page)}`;
  return output(`Playwright test of the ${page} page at ${url}.`, [
    file(task, `tests/e2e/${slugOf(task)}.spec.ts`, [
      criteriaAbout(task, page),
      "import { expect, test } from '@playwright/test';",
      '',
      `test('the ${humanize(page)} page opens with its heading', async ({ page }) => {`,
      `  await page.goto('${url}');`,
      `  await expect(page.getByRole('heading', { level: 1, name: '${humanize(page)}' })).toBeVisible();`,
      '});',
    ]),
  ]);
};

const performanceTester: RoleGenerator = (task) => {
  const paths = domainModel(task.analysis).entities.map((entity) => `'/api/${entity.pluralKebab}'`);
  return output(`Autocannon benchmark of ${paths.length} list endpoints.`, [
    file(task, 'tests/performance/api.bench.ts', [
      '// Run against a started server: BENCH_URL=http://localhost:3000 BENCH_TOKEN=<token> npx tsx tests/performance/api.bench.ts',
      '// Compare the numbers with docs/architecture/performance.md; this reports, it does not pass or fail.',
      "import autocannon from 'autocannon';",
      '',
      "const BASE_URL = process.env.BENCH_URL ?? 'http://localhost:3000';",
      "const TOKEN = process.env.BENCH_TOKEN ?? '';",
      `const PATHS = ['/health', ${paths.join(', ')}];`,
      '',
      'for (const path of PATHS) {',
      '  const result = await autocannon({ url: `${BASE_URL}${path}`, connections: 20, duration: 10, headers: { authorization: `Bearer ${TOKEN}` } });',
      '  console.log(`${path}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${result.requests.average} req/s, ${result.non2xx} non-2xx`);',
      '}',
    ]),
  ]);
};

const securityTester: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const roles = rolesOf(task);
  return output(`Authentication and input tests for ${model.entities.length} resources, and the sign-up and login flow.`, [
    file(task, 'tests/security/sign-in.test.ts', signInTest(task, model.entities[0]?.pluralKebab)),
    file(task, 'tests/security/auth.test.ts', [
      criteriaAbout(task, 'general'),
      "import request from 'supertest';",
      "import { describe, expect, it } from 'vitest';",
      "import { createApp } from '../../src/server/app.js';",
      "import { signToken } from '../../src/server/auth/tokens.js';",
      '',
      ...TOKEN_SETUP,
      'const app = createApp();',
      `const valid = \`Bearer \${signToken({ sub: 'security-test', role: '${roles[0] ?? 'member'}' })}\`;`,
      "const expired = `Bearer ${signToken({ sub: 'security-test', role: 'admin' }, -60)}`;",
      'const forged = `${valid.slice(0, -4)}AAAA`;',
      '',
      `const RESOURCES = [${model.entities.map((entity) => `'${entity.pluralKebab}'`).join(', ')}];`,
      '',
      "describe('authentication', () => {",
      '  for (const resource of RESOURCES) {',
      "    it(`refuses /api/${resource} without, with a forged and with an expired token`, async () => {",
      '      await request(app).get(`/api/${resource}`).expect(401);',
      "      await request(app).get(`/api/${resource}`).set('authorization', forged).expect(401);",
      "      await request(app).get(`/api/${resource}`).set('authorization', expired).expect(401);",
      '    });',
      '',
      "    it(`refuses unknown fields on POST /api/${resource}`, async () => {",
      "      const response = await request(app).post(`/api/${resource}`).set('authorization', valid).send({ unexpected: '<script>' });",
      '      expect(response.status).toBe(400);',
      '    });',
      '  }',
      ...(roles.includes('admin')
        ? [
            '',
            "  it('refuses deletes by members (403)', async () => {",
            "    const member = `Bearer ${signToken({ sub: 'member', role: 'member' })}`;",
            '    for (const resource of RESOURCES) {',
            "      await request(app).delete(`/api/${resource}/any-id`).set('authorization', member).expect(403);",
            '    }',
            '  });',
          ]
        : []),
      '});',
    ]),
  ]);
};

/** Sign-up → login → an authenticated call, and the refusals, through the real routes and in-memory stores. */
function signInTest(task: AgentTask, resource: string | undefined): string[] {
  return [
    criteriaAbout(task, 'general'),
    "import request from 'supertest';",
    "import { describe, expect, it } from 'vitest';",
    "import { createApp } from '../../src/server/app.js';",
    '',
    ...TOKEN_SETUP,
    'const app = createApp();',
    "const account = { email: 'ada@example.com', password: 'correct horse battery staple' };",
    '',
    "describe('sign-up and login', () => {",
    "  it('signs up, logs in, and calls the API with the token it got', async () => {",
    "    const signedUp = await request(app).post('/api/auth/signup').send(account).expect(201);",
    "    expect((signedUp.body as { user: { email: string } }).user.email).toBe(account.email);",
    "    expect(JSON.stringify(signedUp.body)).not.toContain('passwordHash');",
    "    const loggedIn = await request(app).post('/api/auth/login').send({ ...account, email: 'ADA@example.com' }).expect(200);",
    '    const { token } = loggedIn.body as { token: string };',
    ...(resource
      ? [
          `    await request(app).get('/api/${resource}').expect(401);`,
          `    await request(app).get('/api/${resource}').set('authorization', \`Bearer \${token}\`).expect(200);`,
        ]
      : ["    expect(token).toMatch(/^[\\w-]+\\.[\\w-]+$/);"]),
    '  });',
    '',
    "  it('refuses a wrong password and an unknown email with 401', async () => {",
    "    await request(app).post('/api/auth/signup').send({ email: 'bob@example.com', password: account.password }).expect(201);",
    "    await request(app).post('/api/auth/login').send({ email: 'bob@example.com', password: 'not the password' }).expect(401);",
    "    await request(app).post('/api/auth/login').send({ email: 'nobody@example.com', password: account.password }).expect(401);",
    '  });',
    '',
    "  it('refuses a second account with one email (409) and a short password (400 naming the field)', async () => {",
    "    await request(app).post('/api/auth/signup').send({ email: 'cy@example.com', password: account.password }).expect(201);",
    "    await request(app).post('/api/auth/signup').send({ email: 'cy@example.com', password: account.password }).expect(409);",
    "    const short = await request(app).post('/api/auth/signup').send({ email: 'dee@example.com', password: 'short' }).expect(400);",
    "    expect((short.body as { error: { field?: string } }).error.field).toBe('password');",
    '  });',
    '});',
  ];
}

const loadTester: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  return output(`k6 load scenario over ${model.entities.length} resources.`, [
    file(task, 'tests/load/api-load.k6.js', [
      '// Run: k6 run -e BASE_URL=http://localhost:3000 -e TOKEN=<token> tests/load/api-load.k6.js',
      "import http from 'k6/http';",
      "import { check, sleep } from 'k6';",
      '',
      'export const options = {',
      "  stages: [{ duration: '1m', target: 50 }, { duration: '3m', target: 50 }, { duration: '1m', target: 0 }],",
      "  thresholds: { http_req_duration: ['p(95)<200'], http_req_failed: ['rate<0.01'] },",
      '};',
      '',
      "const BASE_URL = __ENV.BASE_URL || 'http://localhost:3000';",
      "const PARAMS = { headers: { authorization: `Bearer ${__ENV.TOKEN}`, 'content-type': 'application/json' } };",
      'const RESOURCES = [',
      ...model.entities.map((entity) => `  { path: '${entity.pluralKebab}', body: ${sampleBody(entity, 1)} },`),
      '];',
      '',
      'export default function () {',
      '  for (const resource of RESOURCES) {',
      '    const list = http.get(`${BASE_URL}/api/${resource.path}`, PARAMS);',
      "    check(list, { 'list answers 200': (r) => r.status === 200 });",
      '    // One write for every five reads.',
      '    if (Math.random() < 0.2) {',
      '      const created = http.post(`${BASE_URL}/api/${resource.path}`, JSON.stringify(resource.body), PARAMS);',
      "      check(created, { 'create answers 201': (r) => r.status === 201 });",
      '    }',
      '  }',
      '  sleep(1);',
      '}',
    ]),
  ]);
};

const testCoverageAnalyzer: RoleGenerator = (task) => {
  const a = task.analysis;
  const criteria = acceptanceCriteria(a);
  const expected = (about: string, text: string): string => {
    if (a.entities.includes(about)) return [`tests/unit/${kebabCase(about)}.test.ts`, a.hasApi && `tests/integration/${kebabCase(about)}.test.ts`].filter(Boolean).join(', ');
    if (a.pages.includes(about)) return `tests/e2e/${kebabCase(about)}.spec.ts`;
    if (/401/.test(text)) return 'tests/security/auth.test.ts';
    return '';
  };
  const rows = criteria.map((criterion) => ({ ...criterion, test: expected(criterion.about, criterion.text) }));
  const gaps = rows.filter((row) => row.test === '');
  return output(`${criteria.length} criteria mapped, ${gaps.length} without an automated test.`, [
    file(task, 'docs/testing/coverage.md', [
      `# ${a.title}: test coverage plan`,
      '',
      'CI enforces at least 80% line and 70% branch coverage of `src/` (Vitest `--coverage`).',
      '',
      '| criterion | expected test | status |',
      '|---|---|---|',
      ...rows.map((row) => `| ${row.id} | ${row.test || '—'} | ${row.test ? 'planned' : 'GAP: manual check'} |`),
      '',
      `Gaps: ${gaps.length > 0 ? gaps.map((row) => row.id).join(', ') : 'none'}.`,
    ]),
  ]);
};

export const TESTING_GENERATORS: Record<string, RoleGenerator> = {
  'unit-test-creator': unitTestCreator,
  'integration-test-creator': integrationTestCreator,
  'e2e-test-creator': e2eTestCreator,
  'performance-tester': performanceTester,
  'security-tester': securityTester,
  'load-tester': loadTester,
  'test-coverage-analyzer': testCoverageAnalyzer,
};
