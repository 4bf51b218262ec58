import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { merge } from 'node-diff3';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { selectAgents } from '../../src/agents/selection.js';
import type { AgentInstance } from '../../src/agents/types.js';
import { generateOffline } from '../../src/offline-model/index.js';
import { APP_SHELL_PATH, APP_SHELL_SLOTS, WEB_SHELL_PATH, WEB_SHELL_SLOTS, fillSlots } from '../../src/offline-model/slots.js';
import type { ContextFile } from '../../src/agents/agent-task.js';
import { taskFor } from './simulate.js';

const REQUIREMENTS = readFileSync('examples/todo-app.md', 'utf8');
const ANALYSIS = analyzeRequest(REQUIREMENTS);
const PLAN = selectAgents(ANALYSIS);

function instance(agentId: string): AgentInstance {
  const found = PLAN.find((candidate) => candidate.agentId === agentId);
  if (!found) throw new Error(`${agentId} not selected`);
  return found;
}

function written(agentId: string, path: string, context: ContextFile[] = []): string | undefined {
  return generateOffline(taskFor(REQUIREMENTS, ANALYSIS, instance(agentId), context)).files.find((file) => file.path === path)?.content;
}

/** Every order of a list (the editors finish in any order). */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

/** Merges each editor's version into the running result against the common base, as the arbitrator does. */
function mergeInOrder(base: string, versions: string[]): { conflict: boolean; content: string } {
  const o = base.split('\n');
  let ours = o;
  for (const theirs of versions) {
    const result = merge(ours, o, theirs.split('\n'));
    if (result.conflict) return { conflict: true, content: '' };
    ours = result.result;
  }
  return { conflict: false, content: ours.join('\n') };
}

const SHELLS = [
  { path: APP_SHELL_PATH, author: 'api-designer', editors: Object.values(APP_SHELL_SLOTS) as string[] },
  { path: WEB_SHELL_PATH, author: 'tech-stack-selector', editors: Object.values(WEB_SHELL_SLOTS) as string[] },
];

describe('offline model: shared files with slot lines', () => {
  for (const shell of SHELLS) {
    describe(shell.path, () => {
      const base = written(shell.author, shell.path) ?? '';
      const context = [{ path: shell.path, content: base, version: 1 }];
      const versions = shell.editors.map((editor) => ({ editor, content: written(editor, shell.path, context) ?? '' }));
      const baseLines = new Set(base.split('\n'));

      it(`is written by the ${shell.author} with one slot pair per editor, never two slots adjacent`, () => {
        const lines = base.split('\n');
        const slots = lines.map((line, index) => ({ line: line.trim(), index })).filter(({ line }) => line.startsWith('// zekka:slot '));
        expect(slots).to.have.length(shell.editors.length * 2);
        for (let i = 1; i < slots.length; i += 1) expect((slots[i]?.index ?? 0) - (slots[i - 1]?.index ?? 0), slots[i]?.line).to.be.greaterThan(1);
      });

      it('is edited by each editor only on its own slot lines', () => {
        for (const { editor, content } of versions) {
          expect(content, editor).to.not.equal('');
          const removed = base.split('\n').filter((line) => !content.split('\n').includes(line));
          expect(removed.every((line) => line.trim().startsWith('// zekka:slot ')), `${editor} removed ${removed.join(' | ')}`).to.equal(true);
          expect(removed, editor).to.have.length(2);
          expect(content.split('\n')[0], editor).to.equal(base.split('\n')[0]);
        }
      });

      it('merges all editors’ versions with node-diff3 without conflict, in any order, keeping every edit', () => {
        const results = new Set<string>();
        for (const order of permutations(versions)) {
          const merged = mergeInOrder(base, order.map((version) => version.content));
          expect(merged.conflict, order.map((version) => version.editor).join(' → ')).to.equal(false);
          results.add(merged.content);
        }
        expect(results.size, 'every order gives the same file').to.equal(1);
        const [merged = ''] = results;
        expect(merged).to.not.match(/^[ \t]*\/\/ zekka:slot /m);
        for (const { editor, content } of versions) {
          for (const line of content.split('\n').filter((candidate) => !baseLines.has(candidate))) expect(merged, `${editor}: ${line}`).to.include(line);
        }
      });
    });
  }

  it('detects a real clash: two editors changing the same line conflict', () => {
    const base = written('api-designer', APP_SHELL_PATH) ?? '';
    const ours = fillSlots(base, { middleware: ['app.use(one());'] }) ?? '';
    const theirs = fillSlots(base, { middleware: ['app.use(two());'] }) ?? '';
    expect(merge(ours.split('\n'), base.split('\n'), theirs.split('\n')).conflict).to.equal(true);
  });

  it('fills nothing when a slot is missing', () => {
    expect(fillSlots('a\n// zekka:slot x\nb', { x: ['X'], y: ['Y'] })).to.equal(undefined);
    expect(fillSlots('a\n  // zekka:slot x\nb', { x: ['X1', 'X2'] })).to.equal('a\n  X1\n  X2\nb');
  });
});
