// Which files a failed verification blames: those the output names, the modules a named test imports, each under its original instance.
import { expect } from 'chai';
import { importedPaths, originalInstance, planRepairTasks } from '../../src/verification/repair-plan.js';
import type { VerificationReport } from '../../src/verification/verify-workspace.js';

const report = (outputTail: string): VerificationReport => ({
  status: 'failed', profile: 'python', profileName: 'Python', summary: 'Python: python -m unittest failed (exit 1)', missingDependencies: [], isolation: null, durationMs: 1,
  commands: [{ phase: 'test', label: 'python -m unittest', exitCode: 1, passed: false, skipped: false, durationMs: 1, outputTail }],
});

describe('verification: repair plan', () => {
  it('an assertion that names only the test blames the module it imports too', () => {
    const paths = ['src/calc.py', 'src/other.py', 'tests/test_calc.py'];
    const contents = new Map([['tests/test_calc.py', 'import unittest\nfrom src.calc import add\n']]);
    const authors = new Map([['src/calc.py', 'coder.sum'], ['tests/test_calc.py', 'tester.sum.r1-repair-1'], ['src/other.py', 'coder.other']]);
    const tasks = planRepairTasks(report('File "/w/run-1/tests/test_calc.py", line 6\nAssertionError: -1 != 5'), paths, authors, contents);
    expect(tasks.map((t) => [t.author, t.files])).to.deep.equal([
      ['coder.sum', ['src/calc.py']],
      ['tester.sum', ['tests/test_calc.py']],
    ]);
  });

  it('resolves Python and relative script imports to workspace files', () => {
    const known = new Set(['pkg/core.py', 'pkg/util/__init__.py', 'src/a.ts', 'src/b/index.ts']);
    expect(importedPaths('from pkg import core\nimport pkg.util as u\n', 'tests/test_x.py', known)).to.have.members(['pkg/core.py', 'pkg/util/__init__.py']);
    expect(importedPaths("import { a } from '../src/a.js';\nconst b = require('../src/b');\n", 'tests/x.test.ts', known)).to.deep.equal(['src/a.ts', 'src/b/index.ts']);
  });

  it('names repairs after the instance that first wrote the file', () => {
    expect(originalInstance('controller-generator.sum.r1-repair-1.r2-repair-2')).to.equal('controller-generator.sum');
    expect(originalInstance('tech-stack-selector')).to.equal('tech-stack-selector');
    // A subject may itself read like a repair; only the numbered run-and-round suffix is stripped.
    expect(originalInstance('page-creator.repair-1')).to.equal('page-creator.repair-1');
  });
});
