/**
 * The Tech Stack Selector's project manifests for the Node/TypeScript profile: package.json with
 * exact versions of every package the generated code imports (each checked to exist in the
 * registry, and to run on Node 20), one tsconfig.json that type-checks server, web client and
 * tests, and the test runners' configs. `npm test` runs the unit, integration, contract and
 * security tests against in-memory stores (no PostgreSQL); Playwright's specs run on their own
 * (`npm run test:e2e`) against a started client.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { file, jsonFile, type OutputFile } from './scaffold.js';

/** Exact versions: a lockfile-free first install resolves the same tree every time. */
const VERSIONS = {
  '@playwright/test': '1.65.2',
  '@prisma/client': '6.19.3',
  '@types/autocannon': '7.12.7',
  '@types/express': '5.0.6',
  '@types/node': '20.19.43',
  '@types/react': '19.3.3',
  '@types/react-dom': '19.3.0',
  '@types/supertest': '7.2.1',
  '@vitejs/plugin-react': '6.3.1',
  autocannon: '9.0.0',
  express: '5.2.1',
  prisma: '6.19.3',
  react: '19.3.1',
  'react-dom': '19.3.1',
  'react-router': '7.18.7',
  'socket.io': '4.8.4',
  'socket.io-client': '4.8.4',
  supertest: '7.3.2',
  tsx: '4.21.0',
  typescript: '5.9.3',
  vite: '8.3.8',
  vitest: '4.1.12',
  zod: '4.6.7',
} as const;

type PackageName = keyof typeof VERSIONS;

function pinned(names: Array<PackageName | false>): Record<string, string> {
  const kept = names.filter((name): name is PackageName => name !== false).sort();
  return Object.fromEntries(kept.map((name) => [name, VERSIONS[name]]));
}

function packageName(title: string): string {
  const slug = title
    .toLowerCase()
    .split(/[^a-z0-9]/)
    .filter((word) => word !== '')
    .join('-')
    .slice(0, 60);
  return slug === '' ? 'app' : slug;
}

function packageJson(task: AgentTask): OutputFile {
  const a = task.analysis;
  const web = a.hasFrontend;
  const scripts: Record<string, string> = {
    typecheck: 'tsc --noEmit -p tsconfig.json',
    test: 'vitest run',
    // tsx is the runtime's loader (the tsconfig only type-checks): `npm start` and the image run the sources.
    ...(a.hasApi ? { start: 'node --import tsx src/server/server.ts' } : {}),
    ...(web ? { 'dev:web': 'vite web', 'build:web': 'vite build web', 'test:e2e': 'playwright test' } : {}),
    ...(a.hasDatabase ? { 'db:generate': 'prisma generate --schema prisma/schema', 'db:migrate': 'prisma migrate deploy --schema prisma/schema' } : {}),
  };
  return jsonFile(task, 'package.json', {
    name: packageName(a.title),
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts,
    dependencies: pinned([a.hasApi && 'express', a.hasApi && 'tsx', a.hasApi && 'zod', a.hasDatabase && '@prisma/client', a.realtime && 'socket.io', web && 'react', web && 'react-dom', web && 'react-router', web && a.realtime && 'socket.io-client']),
    devDependencies: pinned([
      'typescript',
      '@types/node',
      'vitest',
      a.hasApi && '@types/express',
      a.hasApi && 'supertest',
      a.hasApi && '@types/supertest',
      // The performance tester's benchmark (tests/performance/api.bench.ts) runs on autocannon.
      a.hasApi && a.size !== 'small' && 'autocannon',
      a.hasApi && a.size !== 'small' && '@types/autocannon',
      a.hasDatabase && 'prisma',
      web && 'vite',
      web && '@vitejs/plugin-react',
      web && '@types/react',
      web && '@types/react-dom',
      web && '@playwright/test',
    ]),
  });
}

function tsconfig(task: AgentTask): OutputFile {
  const web = task.analysis.hasFrontend;
  return jsonFile(task, 'tsconfig.json', {
    compilerOptions: {
      target: 'ES2022',
      lib: web ? ['ES2023', 'DOM', 'DOM.Iterable'] : ['ES2023'],
      // Bundler resolution: the server's `.js` specifiers and the client's extension-less ones
      // both resolve; tsx runs the server and Vite bundles the client.
      module: 'ESNext',
      moduleResolution: 'Bundler',
      ...(web ? { jsx: 'react-jsx' } : {}),
      strict: true,
      isolatedModules: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: web ? ['node', 'vite/client'] : ['node'],
    },
    include: ['src', 'tests', 'prisma/seed', 'vitest.config.ts', ...(web ? ['web', 'playwright.config.ts'] : [])],
  });
}

function vitestConfig(task: AgentTask): OutputFile {
  return file(task, 'vitest.config.ts', [
    "import { defineConfig } from 'vitest/config';",
    '',
    '// Unit, integration, contract and security tests. They run against the in-memory stores of',
    '// src/server/db.ts, so no database is needed; TEST_DATABASE_URL runs them against PostgreSQL',
    "// instead. Playwright's specs (tests/e2e) need a browser and a started client: `npm run test:e2e`.",
    'export default defineConfig({',
    '  test: {',
    "    include: ['tests/**/*.test.ts'],",
    "    exclude: ['tests/e2e/**', 'node_modules/**'],",
    "    env: { DATABASE_URL: process.env.TEST_DATABASE_URL ?? '', AUTH_TOKEN_SECRET: 'test-secret-of-at-least-32-characters!!' },",
    '    // The access log of every request a test makes is shown only for the tests that fail.',
    "    silent: 'passed-only',",
    '  },',
    '});',
  ]);
}

function playwrightConfig(task: AgentTask): OutputFile {
  return file(task, 'playwright.config.ts', [
    "import { defineConfig } from '@playwright/test';",
    '',
    '// End-to-end specs against a started client: `npm run dev:web` (and `npm start` for the API), then `npm run test:e2e`.',
    'export default defineConfig({',
    "  testDir: 'tests/e2e',",
    "  use: { baseURL: process.env.E2E_BASE_URL ?? 'http://localhost:5173' },",
    '});',
  ]);
}

/** The manifests and runner configs of a Node/TypeScript project. */
export function nodeManifests(task: AgentTask): OutputFile[] {
  return [packageJson(task), tsconfig(task), vitestConfig(task), ...(task.analysis.hasFrontend ? [playwrightConfig(task)] : [])];
}
