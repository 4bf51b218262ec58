import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ts from 'typescript';
import { AGENT_ROLES, getRole, producedPaths } from '../../src/agents/catalog/index.js';
import { parseAgentOutput } from '../../src/agents/output.js';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { selectAgents } from '../../src/agents/selection.js';
import type { AgentInstance, RequestAnalysis } from '../../src/agents/types.js';
import { ROLE_GENERATORS, generateOffline } from '../../src/offline-model/index.js';
import { NotFoundError } from '../../src/errors/app-error.js';
import { LARGE_REQUEST } from './fixtures.js';
import { matches, simulate, taskFor } from './simulate.js';

const SAMPLES: Array<[name: string, requirements: string]> = [
  ['a request with a web client (examples/todo-app.md)', readFileSync('examples/todo-app.md', 'utf8')],
  ['an API-only request (examples/api-only.md)', readFileSync('examples/api-only.md', 'utf8')],
  ['a large request', LARGE_REQUEST],
];

const MARKER = /Generated offline by Zekka's offline model from the request "[^"]*": deterministic scaffolding, not written by an LLM\./;

/** Syntax errors TypeScript finds in a .ts/.tsx/.js file (no type checking: the project's packages are not installed here). */
function syntaxErrors(path: string, content: string): string[] {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : path.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, content, ts.ScriptTarget.ES2022, true, kind);
  const diagnostics = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diagnostics.map((diagnostic) => `${path}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

/** Every role once, forced in, with its first subject: covers roles a sample's own selection drops. */
function everyRole(analysis: RequestAnalysis): AgentInstance[] {
  return selectAgents(analysis, { includeAgents: AGENT_ROLES.map((role) => role.id) });
}

describe('offline model: role generators', () => {
  it('has a generator for every role of the catalogue, and only for those', () => {
    expect(Object.keys(ROLE_GENERATORS).sort()).to.deep.equal(AGENT_ROLES.map((role) => role.id).sort());
    expect(() => generateOffline(taskFor('', analyzeRequest('# X'), { agentId: 'no-such-agent', stage: 1, instanceKey: 'x', critical: false }))).to.throw(NotFoundError);
  });

  for (const [name, requirements] of SAMPLES) {
    describe(`for ${name}`, () => {
      const analysis = analyzeRequest(requirements);
      const plan = selectAgents(analysis);
      const workspace = simulate(requirements, analysis, plan);

      it('answers every selected instance in the output contract, inside its writes, with its declared artifacts', () => {
        expect(workspace.outputs.size).to.equal(plan.length);
        for (const instance of plan) {
          const role = getRole(instance.agentId);
          const output = parseAgentOutput(JSON.stringify(workspace.outputs.get(instance.instanceKey)));
          expect(output.summary, instance.instanceKey).to.not.equal('');
          const paths = output.files.map((file) => file.path);
          expect(new Set(paths).size, `${instance.instanceKey} writes a path twice`).to.equal(paths.length);
          for (const path of paths) expect(matches(path, role.writes), `${instance.instanceKey} may not write ${path}`).to.equal(true);
          for (const path of producedPaths(role, instance.subject)) expect(paths, `${instance.instanceKey} must produce ${path}`).to.include(path);
          expect(JSON.stringify(output).length / 4, `${instance.instanceKey} output fits its token bound`).to.be.below(role.maxOutputTokens);
        }
      });

      it('pins every package the generated TypeScript imports in package.json, at an exact version, and names the node-typescript profile', () => {
        const manifest = JSON.parse(workspace.files.get('package.json')?.content ?? '{}') as { dependencies?: Record<string, string>; devDependencies?: Record<string, string>; scripts?: Record<string, string> };
        const pinned = { ...manifest.dependencies, ...manifest.devDependencies };
        const imported = new Set<string>();
        for (const [path, file] of workspace.files) {
          if (!/\.tsx?$/.test(path)) continue;
          for (const match of file.content.matchAll(/^import .*from '([^'.][^']*)';$|^import '([^'.][^']*)';$/gm)) {
            const specifier = match[1] ?? match[2] ?? '';
            if (specifier.startsWith('node:')) continue;
            imported.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? specifier));
          }
        }
        expect(imported.size).to.be.greaterThan(0);
        for (const name of imported) expect(pinned[name], `${name} is imported but not in package.json`).to.match(/^\d+\.\d+\.\d+$/);
        for (const spec of Object.values(pinned)) expect(spec).to.match(/^\d+\.\d+\.\d+$/);
        expect(manifest.scripts).to.include.keys('typecheck', 'test');
        expect(workspace.files.has('tsconfig.json')).to.equal(true);
        const decisions = JSON.parse(workspace.files.get('docs/architecture/decisions/tech-stack-selector.json')?.content ?? '{}') as { decisions?: { profile?: { choice?: string } } };
        expect(decisions.decisions?.profile?.choice).to.equal('node-typescript');
      });

      it('starts every file it creates with the offline marker; JSON only as structured records and manifests, marked in $comment', () => {
        for (const [path, file] of workspace.files) {
          if (path.endsWith('.json')) {
            expect(path).to.match(/^docs\/(architecture\/decisions|requirements\/contradictions)\/[a-z-]+\.json$|^(package|tsconfig)\.json$|^docs\/plan\.json$/);
            expect((JSON.parse(file.content) as { $comment?: string }).$comment, path).to.match(MARKER);
            continue;
          }
          const first = file.content.split('\n')[0] ?? '';
          expect(first, path).to.match(MARKER);
          if (path.endsWith('.md') || path.endsWith('.html')) expect(first, path).to.match(/^<!-- .* -->$/);
          if (path.endsWith('.sql')) expect(first, path).to.match(/^-- /);
          if (/\.(?:ts|tsx|js|prisma)$/.test(path)) expect(first, path).to.match(/^\/\/ /);
          if (/\.(?:ya?ml|toml|sh)$|Dockerfile$|\.env\.example$|\.dockerignore$/.test(path)) expect(first, path).to.match(/^# /);
        }
      });

      it('writes TypeScript, TSX and JavaScript that parses', () => {
        const errors = [...workspace.files]
          .filter(([path]) => /\.(?:ts|tsx|js)$/.test(path))
          .flatMap(([path, file]) => syntaxErrors(path, file.content));
        expect(errors).to.deep.equal([]);
      });

      it('merges the stage’s concurrent edits of shared files without conflict and fills their slots', () => {
        expect(workspace.conflicts).to.deep.equal([]);
        const app = workspace.files.get('src/server/app.ts')?.content ?? '';
        expect(app).to.include('api.use(authenticate());').and.include('app.use(errorHandler);').and.include('api.use(validateRequests());');
        const slot = /^[ \t]*\/\/ zekka:slot /m;
        expect(app).to.not.match(slot);
        expect(workspace.files.get('src/server/server.ts')?.content).to.not.match(slot);
        expect(workspace.files.get('src/server/server.ts')?.content.includes('attachRealtime(server);')).to.equal(analysis.realtime);
        if (analysis.hasFrontend) expect(workspace.files.get('web/src/App.tsx')?.content).to.not.match(slot);
        else expect(workspace.files.has('web/src/App.tsx')).to.equal(false);
      });

      it('is deterministic', () => {
        const again = simulate(requirements, analysis, plan);
        expect([...again.files]).to.deep.equal([...workspace.files]);
      });
    });
  }

  it('writes inside its globs for every role, even forced in without subjects', () => {
    for (const [, requirements] of SAMPLES) {
      const analysis = analyzeRequest(requirements);
      const plan = everyRole(analysis);
      const workspace = simulate(requirements, analysis, plan);
      expect(workspace.conflicts).to.deep.equal([]);
      for (const instance of plan) {
        const role = getRole(instance.agentId);
        const paths = workspace.outputs.get(instance.instanceKey)?.files.map((file) => file.path) ?? [];
        for (const path of paths) expect(matches(path, role.writes), `${instance.instanceKey}: ${path}`).to.equal(true);
        for (const path of producedPaths(role, instance.subject)) expect(paths, `${instance.instanceKey} must produce ${path}`).to.include(path);
      }
    }
  });

  it('builds the Prisma schema, migration and client from the request’s entities and relations', () => {
    const requirements = readFileSync('examples/todo-app.md', 'utf8');
    const analysis = analyzeRequest(requirements);
    const workspace = simulate(requirements, analysis, selectAgents(analysis));
    const core = workspace.files.get('prisma/schema/core.prisma')?.content ?? '';
    const task = core.slice(core.indexOf('model Task {'));
    expect(task.slice(0, task.indexOf('}'))).to.include('assignee User? @relation("TaskAssignee", fields: [assigneeId]');
    expect(workspace.files.get('prisma/schema/identity.prisma')?.content).to.include('tasksAsAssignee Task[] @relation("TaskAssignee")');
    const sql = workspace.files.get('prisma/schema/migrations/0001_init/migration.sql')?.content ?? '';
    for (const entity of analysis.entities) expect(sql).to.include(`CREATE TABLE "${entity}"`);
    expect(sql).to.include('FOREIGN KEY ("projectId") REFERENCES "Project"("id")');
    expect(workspace.files.get('web/src/api/client.ts')?.content).to.include('export interface Notification {');
  });

  it('lets an editor write nothing to a shared file whose slot is not in its context', () => {
    const analysis = analyzeRequest(readFileSync('examples/api-only.md', 'utf8'));
    const instance = selectAgents(analysis).find((candidate) => candidate.agentId === 'middleware-developer');
    if (!instance) throw new Error('middleware-developer not selected');
    const alone = generateOffline(taskFor('', analysis, instance, []));
    expect(alone.files.map((file) => file.path)).to.deep.equal(['src/server/middleware/request-context.ts']);
    const unrelated = generateOffline(taskFor('', analysis, instance, [{ path: 'src/server/app.ts', content: 'export {};\n', version: 1 }]));
    expect(unrelated.files.map((file) => file.path)).to.not.include('src/server/app.ts');
  });
});
