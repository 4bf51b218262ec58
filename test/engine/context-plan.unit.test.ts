import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import sinon from 'sinon';
import { SETTLED_DECISIONS_PATH } from '../../src/agents/structured-records.js';
import { renderPrompt, renderSystemPrompt } from '../../src/agents/prompt.js';
import { getRole } from '../../src/agents/catalog/index.js';
import { blocksText } from '../../src/models/provider.js';
import { sampleTask } from '../models/model-fixtures.js';
import { contentBudget } from '../../src/engine/context/context-budget.js';
import { planContext, fileOverheadTokens, type ContextPlanInput } from '../../src/engine/context/context-plan.js';
import { FileFactsCache } from '../../src/engine/context/file-facts.js';
import { summarizeFile } from '../../src/engine/context/file-summary.js';
import { loadTokenCounter, type TokenCounter } from '../../src/engine/context/token-counter.js';
import { contextWindowOf, parseContextWindows, tierContextWindow } from '../../src/models/model-catalog.js';
import { parseEnv } from '../../src/config/env.js';
import { generateOffline } from '../../src/offline-model/index.js';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { joinParts } from '../../src/engine/agent-calls.js';

function snapshot(files: Record<string, string>) {
  const paths = Object.keys(files).sort();
  return { versions: paths.map((path) => ({ path, version: 1 })), contents: new Map(paths.map((path) => [path, files[path] ?? ''])) };
}

describe('context: file summaries for the workspace map', () => {
  it('names what each kind of file holds or exports, in one line', () => {
    expect(summarizeFile('src/a.ts', "import x from './x';\nexport async function listTasks() {}\nexport const router = 1;\nexport interface Task {}\nexport { one, two as three } from './b';\nexport default app;\n")).to.equal(
      'exports: listTasks, router, Task, one, three, default (6 lines)',
    );
    expect(summarizeFile('src/index.ts', "export * from './tasks.js';\n")).to.equal('exports: * from ./tasks.js (1 lines)');
    expect(summarizeFile('docs/api.md', 'intro\n\n## API design\ntext\n')).to.equal('API design (4 lines)');
    expect(summarizeFile('package.json', '{"name": "todo", "scripts": {}, "dependencies": {}}')).to.equal('todo; keys: name, scripts, dependencies (1 lines)');
    expect(summarizeFile('bad.json', '{')).to.equal('not valid JSON (1 lines)');
    expect(summarizeFile('prisma/schema/planning.prisma', 'model Task {\n  id Int\n}\nenum Status {\n A\n}\n')).to.equal('models: Task; enums: Status (6 lines)');
    expect(summarizeFile('db/init.sql', 'CREATE TABLE IF NOT EXISTS "tasks" (\n id int\n);\n')).to.equal('tables: tasks (3 lines)');
    expect(summarizeFile('compose.yml', 'services:\n  api:\n    image: x\nvolumes:\n  data: {}\n')).to.equal('keys: services, volumes (5 lines)');
    expect(summarizeFile('Dockerfile', 'FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\n')).to.equal('from: node:20 AS build, node:20-slim (3 lines)');
    expect(summarizeFile('.env.example', '# db\nDATABASE_URL=postgres://\nPORT=3000\n')).to.equal('variables: DATABASE_URL, PORT (3 lines)');
    expect(summarizeFile('app/main.py', 'import os\n\ndef main():\n    pass\n\nclass Task:\n    pass\n')).to.equal('defines: main, Task (7 lines)');
    expect(summarizeFile('src/empty.ts', '')).to.equal('empty (1 lines)');
    expect(summarizeFile('src/long.ts', `export const ${'x'.repeat(300)} = 1;\n`).length).to.be.lessThan(180);
  });

  it('stays linear on hostile input (a long line without separators)', () => {
    const started = Date.now();
    summarizeFile('src/a.ts', `export ${'{'.repeat(200_000)}`);
    summarizeFile('a.yml', 'a'.repeat(200_000));
    expect(Date.now() - started).to.be.lessThan(2_000);
  });
});

describe('context: planning what an agent sees', () => {
  let counter: TokenCounter;
  before(async () => {
    counter = await loadTokenCounter();
  });

  const base = (overrides: Partial<ContextPlanInput>): ContextPlanInput => ({
    projectId: 'p',
    snapshot: snapshot({}),
    reads: ['**'],
    writes: [],
    repairing: [],
    reviews: false,
    budgetTokens: 1_000_000,
    counter,
    facts: new FileFactsCache(),
    ...overrides,
  });

  it('ranks repairs, settled records, files to edit, their imports, changed files, then inputs', () => {
    const files = {
      'docs/a.md': '# A\n',
      'docs/z.md': '# Z\n',
      [SETTLED_DECISIONS_PATH]: '{}',
      'src/server/routes/tasks.ts': "import { db } from '../db';\nexport const tasks = db;\n",
      'src/server/db.ts': 'export const db = 1;\n',
      'src/server/app.ts': 'export const app = 1;\n',
      'src/server/changed.ts': 'export const changed = 1;\n',
    };
    const plan = planContext(
      base({
        snapshot: snapshot(files),
        reads: ['docs/**', 'docs/decisions/**', 'src/server/changed.ts'],
        writes: ['src/server/routes/**'],
        repairing: ['src/server/app.ts'],
        changed: new Set(['src/server/changed.ts']),
      }),
    );
    expect(plan.batches).to.have.length(1);
    expect(plan.batches[0]?.map((file) => file.path)).to.deep.equal([
      'src/server/app.ts',
      SETTLED_DECISIONS_PATH,
      'src/server/routes/tasks.ts',
      'src/server/db.ts',
      'src/server/changed.ts',
      'docs/a.md',
      'docs/z.md',
    ]);
    // The map lists every file, read or not.
    expect(plan.map.map((entry) => entry.path)).to.deep.equal(Object.keys(files).sort());
  });

  it('passes over a file too big for what is left, not the files after it, and says which were left', () => {
    const files = { 'docs/a.md': '# A\n', 'docs/big.md': `# Big\n${'word '.repeat(5_000)}`, 'docs/c.md': '# C\n' };
    const small = counter.count('# A\n') + fileOverheadTokens('docs/a.md') + counter.count('# C\n') + fileOverheadTokens('docs/c.md');
    const plan = planContext(base({ snapshot: snapshot(files), budgetTokens: small + 10 }));
    expect(plan.batches[0]?.map((file) => file.path)).to.deep.equal(['docs/a.md', 'docs/c.md']);
    expect(plan.left).to.deep.equal(['docs/big.md']);
  });

  it('gives a reviewing role every file it reads, in batches within the budget, the settled records in each', () => {
    const files: Record<string, string> = { [SETTLED_DECISIONS_PATH]: '{"agent": "x"}', 'README.md': '# Todo\n' };
    for (let i = 0; i < 40; i++) files[`src/module-${String(i).padStart(2, '0')}.ts`] = `export const value${i} = ${'1 + '.repeat(200)}1;\n`;
    files['src/huge.ts'] = `export const huge = [${'1, '.repeat(20_000)}];\n`;
    const budgetTokens = 3_000;
    const plan = planContext(base({ snapshot: snapshot(files), reviews: true, budgetTokens }));
    expect(plan.batches.length).to.be.greaterThan(3);
    const shown = new Set(plan.batches.flat().map((file) => file.path));
    expect([...shown].sort()).to.deep.equal(Object.keys(files).sort());
    for (const batch of plan.batches) {
      expect(batch[0]?.path).to.equal(SETTLED_DECISIONS_PATH);
      const tokens = batch.reduce((sum, file) => sum + counter.count(file.content) + fileOverheadTokens(file.path), 0);
      expect(tokens).to.be.at.most(budgetTokens);
    }
    const huge = plan.batches.flat().find((file) => file.path === 'src/huge.ts');
    expect(huge?.content).to.include('[cut: the first part of a');
  });

  it('counts each file version once, whoever asks', () => {
    const facts = new FileFactsCache();
    const spy = sinon.spy(counter, 'count');
    try {
      const input = base({ snapshot: snapshot({ 'a.md': '# A\n', 'b.md': '# B\n' }), facts });
      planContext(input);
      planContext(input);
      planContext({ ...input, reviews: true });
      expect(spy.callCount).to.equal(2);
    } finally {
      spy.restore();
    }
  });

  it('renders the map and the files in the system prompt, the part in the task', () => {
    const task = { ...sampleTask(), map: [{ path: 'a.ts', summary: 'exports: a' }], context: [{ path: 'a.ts', version: 2, content: 'export const a = 1;' }], review: { kind: 'part' as const, part: 2, parts: 3 } };
    const text = blocksText([...renderSystemPrompt(getRole('code-review-agent'), task), ...renderPrompt(task)]);
    expect(text).to.include('- a.ts: exports: a');
    expect(text).to.include('## Your part (2 of 3)');
    expect(text).to.include('## Existing file a.ts (version 2)');
  });
});

describe('context: windows and budgets', () => {
  it('knows each provider’s window, replaced per model and capped by MODEL_CONTEXT_TOKENS', () => {
    expect(contextWindowOf({ provider: 'anthropic', model: 'claude-sonnet-4-6' })).to.equal(200_000);
    expect(contextWindowOf({ provider: 'gemini', model: 'gemini-2.5-pro' })).to.equal(1_048_576);
    expect(contextWindowOf({ provider: 'offline', model: 'offline-premium' })).to.equal(200_000);
    const env = parseEnv({ MODEL_CONTEXT_WINDOWS: 'ollama:llama3.2:3b=65536, anthropic:claude-sonnet-4-6=1000000' });
    expect(parseContextWindows(env.MODEL_CONTEXT_WINDOWS).get('ollama:llama3.2:3b')).to.equal(65_536);
    expect(contextWindowOf({ provider: 'anthropic', model: 'claude-sonnet-4-6' }, env)).to.equal(1_000_000);
    expect(contextWindowOf({ provider: 'anthropic', model: 'claude-sonnet-4-6' }, { ...env, MODEL_CONTEXT_TOKENS: 50_000 })).to.equal(50_000);
    // The smallest of a tier's candidates: the router may fall back to any of them.
    expect(tierContextWindow([{ provider: 'gemini', model: 'gemini-2.5-pro' }, { provider: 'anthropic', model: 'claude-sonnet-4-6' }])).to.equal(200_000);
  });

  it('refuses malformed settings, naming the variable', () => {
    expect(() => parseEnv({ MODEL_CONTEXT_WINDOWS: 'claude=100' })).to.throw(/MODEL_CONTEXT_WINDOWS/);
    expect(() => parseEnv({ MODEL_CONTEXT_TOKENS: '100' })).to.throw(/MODEL_CONTEXT_TOKENS/);
  });

  it('leaves room for the system prompt, the prompt, the answer and a margin, and refuses a window too small', () => {
    expect(contentBudget({ windowTokens: 100_000, systemTokens: 1_000, frameTokens: 2_000, maxOutputTokens: 4_096 })).to.equal(85_000 - 7_096);
    expect(() => contentBudget({ windowTokens: 8_000, systemTokens: 1_000, frameTokens: 3_000, maxOutputTokens: 4_096 })).to.throw(/context window/);
  });
});

describe('context: merging a reviewing role’s parts', () => {
  it('the offline model joins the parts’ reports in order; the final validation judges presence from the map', async () => {
    const requirements = await readFile('examples/todo-app.md', 'utf8');
    const base = { projectId: 'p', projectName: 'Todo', requirements, analysis: analyzeRequest(requirements), stage: 10 as const, instanceKey: 'x' };
    const reports = [1, 2].map((part) => ({ path: `docs/qa/code-review.md (part ${part} of 2)`, version: 0, content: `findings of part ${part}\n` }));
    const joined = generateOffline({ ...base, agentId: 'code-review-agent', context: reports, review: { kind: 'merge', parts: 2 } });
    expect(joined.files.map((file) => file.path)).to.deep.equal(['docs/qa/code-review.md']);
    const content = joined.files[0]?.content ?? '';
    expect(content.indexOf('## part 1 of 2')).to.be.lessThan(content.indexOf('findings of part 1'));
    expect(content.indexOf('findings of part 1')).to.be.lessThan(content.indexOf('## part 2 of 2'));
    expect(content).to.include('findings of part 2');

    const map = ['docs/requirements/requirements.md', 'README.md', 'Dockerfile', 'tests/a.test.ts'].map((path) => ({ path, summary: 'x' }));
    const placeholder = { path: 'docs/qa/final-validation.md (part 1 of 2)', version: 0, content: '## Unfilled placeholders (warnings)\n\n- src/a.ts:3 `// zekka:slot routes`\n' };
    const verdict = generateOffline({ ...base, agentId: 'final-validation-agent', map, context: [placeholder], review: { kind: 'merge', parts: 2 } }).files[0]?.content ?? '';
    expect(verdict).to.include('| README.md | yes | yes |');
    expect(verdict).to.include('- src/a.ts:3 `// zekka:slot routes`');
  });

  it('joins the parts’ files when their reports are too big to merge in one call', () => {
    const joined = joinParts([
      { summary: 'one', files: [{ path: 'docs/qa/r.md', content: 'A' }] },
      { summary: 'two', files: [{ path: 'docs/qa/r.md', content: 'B' }] },
    ]);
    expect(joined).to.deep.equal({ summary: 'one two', files: [{ path: 'docs/qa/r.md', content: '<!-- part 1 of 2 -->\nA\n\n<!-- part 2 of 2 -->\nB' }] });
  });
});
