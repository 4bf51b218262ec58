// Request kind and stack: which kind of software a request asks for, in which language, and which
// toolchain profile (and workspace layout) that gives; linear on hostile input.
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { detectKind, detectLanguage, stackFor } from '../../src/agents/request-kind.js';
import { roleInLayout } from '../../src/agents/role-layout.js';
import { selectAgents } from '../../src/agents/selection.js';
import { getRole } from '../../src/agents/catalog/index.js';

const served = { hasFrontend: true, hasApi: true };

describe('request kind and stack', () => {
  it('tells the kinds apart, the first one named winning', () => {
    expect(detectKind('A command-line tool to rename photos', served)).to.equal('cli');
    expect(detectKind('A Python library for parsing invoices', served)).to.equal('library');
    expect(detectKind('A data-processing script for log files', served)).to.equal('script');
    expect(detectKind('A REST API only, for orders', served)).to.equal('api');
    expect(detectKind('A web app for booking rooms', served)).to.equal('web-app');
    expect(detectKind('A CLI, later maybe a web app', served)).to.equal('cli');
    expect(detectKind('Orders over HTTP', { hasFrontend: false, hasApi: true })).to.equal('api');
    expect(detectKind('Something for my team', served)).to.equal('web-app');
  });

  it('finds the language named, without mistaking everyday words for one', () => {
    expect(detectLanguage('A CLI in Python 3')).to.equal('python');
    expect(detectLanguage('An API on Node.js with TypeScript')).to.equal('typescript');
    expect(detectLanguage('A service written in Rust')).to.equal('rust');
    expect(detectLanguage('A Golang daemon')).to.equal('go');
    expect(detectLanguage('Where users go to find events')).to.equal(undefined);
    expect(detectLanguage('A JavaScript widget')).to.equal('typescript');
    expect(detectLanguage('A Java service')).to.equal('java');
  });

  it('maps kind and language to a profile, or to none for a stack without one', () => {
    expect(stackFor('cli', undefined)).to.deep.equal({ profile: 'python', choice: 'python' });
    expect(stackFor('web-app', undefined)).to.deep.equal({ profile: 'node-typescript', choice: 'node-typescript' });
    expect(stackFor('web-app', 'python')).to.deep.equal({ profile: 'python', choice: 'python' });
    expect(stackFor('cli', 'typescript')).to.deep.equal({ profile: 'node-typescript', choice: 'node-typescript' });
    expect(stackFor('api', 'rust')).to.deep.equal({ profile: null, choice: 'rust' });
  });

  it('gives a program request no web client, web API or database, and the Python layout', () => {
    const analysis = analyzeRequest(readFileSync('examples/requests/cli-habit-tracker.md', 'utf8'));
    expect(analysis).to.include({ kind: 'cli', language: 'python', hasFrontend: false, hasApi: false, hasDatabase: false });
    const ids = selectAgents(analysis).map((agent) => agent.agentId);
    expect(ids).to.include.members(['tech-stack-selector', 'route-creator', 'unit-test-creator', 'readme-creator', 'dockerfile-creator']);
    expect(ids.filter((id) => /^(?:page|component|schema|controller|middleware|database|api-designer)/.test(id))).to.deep.equal([]);
    expect(roleInLayout(getRole('route-creator'), analysis)?.writes).to.deep.equal(['habit_tracker/**']);
    expect(roleInLayout(getRole('unit-test-creator'), analysis)?.produces).to.deep.equal(['tests/__init__.py', 'tests/test_habit_tracker.py']);
    expect(roleInLayout(getRole('environment-config-manager'), analysis)).to.equal(undefined);
  });

  it('keeps the catalogue layout for a web app and a stack without a profile', () => {
    for (const text of [readFileSync('examples/todo-app.md', 'utf8'), '# Chat\n\nA web app written in Rust where users chat.']) {
      const analysis = analyzeRequest(text);
      expect(roleInLayout(getRole('route-creator'), analysis)).to.equal(getRole('route-creator'));
    }
    expect(analyzeRequest('# Chat\n\nA web app written in Rust where users chat.').language).to.equal('rust');
  });

  it('stays linear on long hostile input', () => {
    const hostile = `${'command '.repeat(20_000)}${'python-'.repeat(20_000)}${'a '.repeat(50_000)}`;
    const started = performance.now();
    detectKind(hostile, served);
    detectLanguage(hostile);
    // A generous bound: a backtracking pattern here takes minutes, a linear one milliseconds.
    expect(performance.now() - started).to.be.below(2_000);
  });
});
