import { expect } from 'chai';
import { getRole } from '../../src/agents/catalog/index.js';
import { renderContextFiles, renderPrompt, renderSystemPrompt } from '../../src/agents/prompt.js';
import { anthropicPrompt, MAX_CACHE_BREAKPOINTS } from '../../src/models/providers/anthropic-prompt.js';
import { promptReuse } from '../../src/engine/prompt-reuse.js';
import { sampleTask } from '../models/model-fixtures.js';

const FILES = [
  { path: 'docs/requirements/requirements.md', version: 2, content: '# Requirements' },
  { path: 'docs/architecture/api.md', version: 1, content: '# API' },
];

describe('agents: prompt blocks ordered for prompt caching', () => {
  const task = { ...sampleTask(), context: FILES };

  it('puts what the project shares first, then the files, the role, and the task last', () => {
    const system = renderSystemPrompt(getRole('controller-generator'), task);
    const prompt = renderPrompt({ ...task, subject: 'Task' });
    expect(system.map((b) => b.cacheBreakpoint)).to.deep.equal([true, true, true]);
    expect(system[0]?.text).to.include('Answer with one JSON object').and.include('## The request\nA todo app');
    expect(system[1]?.text).to.equal(renderContextFiles(FILES));
    expect(system[2]?.text).to.include('## Your role').and.include('You may write only these paths');
    expect(prompt).to.deep.equal([{ text: '## Your subject\nTask' }]);
  });

  it('sends every agent of a project the same first block, and instances of a role the same prefix up to the task', () => {
    const a = renderSystemPrompt(getRole('controller-generator'), task);
    const b = renderSystemPrompt(getRole('schema-designer'), task);
    expect(a[0]).to.deep.equal(b[0]);
    expect(a[1]).to.deep.equal(b[1]);
    expect(a[2]?.text).to.not.equal(b[2]?.text);
    expect(renderPrompt({ ...task, subject: 'Task' })).to.not.deep.equal(renderPrompt({ ...task, subject: 'User' }));
  });

  it('withholds the breakpoints of prefixes no other call sends, keeping the text the same', () => {
    const role = getRole('controller-generator');
    const alone = renderSystemPrompt(role, task, { files: false, role: false });
    expect(alone.map((b) => b.cacheBreakpoint)).to.deep.equal([true, false, false]);
    expect(alone.map((b) => b.text)).to.deep.equal(renderSystemPrompt(role, task).map((b) => b.text));
    // No files: no files block.
    expect(renderSystemPrompt(role, { ...task, context: [] })).to.have.length(2);
  });

  it('a repair and a task without subject end with their own part', () => {
    const repair = renderPrompt({ ...task, repair: { round: 1, files: ['src/a.ts'], failure: 'boom' } });
    expect(repair[0]?.text).to.include('## Repair (round 1)').and.include('boom');
    expect(renderPrompt(task)[0]?.text).to.include('## Your task');
  });
});

describe('models: Anthropic text blocks with cache_control', () => {
  it('marks breakpoints as ephemeral cache_control, at most 4 (the last ones), and none with caching off', () => {
    const blocks = Array.from({ length: 6 }, (_, i) => ({ text: `block ${i}`, cacheBreakpoint: true }));
    const { system, content } = anthropicPrompt(blocks.slice(0, 4), [...blocks.slice(4), { text: 'tail' }, { text: '' }], true);
    expect(system.map((b) => b.cache_control ?? null)).to.deep.equal([null, null, { type: 'ephemeral' }, { type: 'ephemeral' }]);
    expect(content).to.deep.equal([
      { type: 'text', text: 'block 4', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'block 5', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'tail' },
    ]);
    expect([...system, ...content].filter((b) => b.cache_control)).to.have.length(MAX_CACHE_BREAKPOINTS);
    const off = anthropicPrompt(blocks.slice(0, 2), blocks.slice(2), false);
    expect([...off.system, ...off.content].some((b) => 'cache_control' in b)).to.equal(false);
  });
});

describe('engine: which prompt prefixes pay to cache', () => {
  const stage = [
    { agentId: 'a', instanceKey: 'a', stage: 4 as const, critical: false },
    { agentId: 'b', instanceKey: 'b', stage: 4 as const, critical: false },
    { agentId: 'c', instanceKey: 'c.task', stage: 4 as const, critical: false, subject: 'Task' },
    { agentId: 'c', instanceKey: 'c.user', stage: 4 as const, critical: false, subject: 'User' },
    { agentId: 'd', instanceKey: 'd', stage: 4 as const, critical: false },
  ];
  const reads: Record<string, string> = { a: 'docs', b: 'docs', c: 'src', d: 'web' };

  it('files when another instance reads the same files; the role when the role runs again', () => {
    expect(promptReuse(stage[0]!, stage, (id) => reads[id] ?? '')).to.deep.equal({ files: true, role: false });
    expect(promptReuse(stage[2]!, stage, (id) => reads[id] ?? '')).to.deep.equal({ files: true, role: true });
    expect(promptReuse(stage[4]!, stage, (id) => reads[id] ?? '')).to.deep.equal({ files: false, role: false });
  });
});
