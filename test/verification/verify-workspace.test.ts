// Verification of a materialised workspace through the real profiles and the real sandbox: a
// passing and a failing Python project, a Node project, a dependency the registry does not have,
// and a stack without a profile.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { nodeTypescriptProfile } from '../../src/verification/profiles/node-typescript.js';
import { pythonProfile } from '../../src/verification/profiles/python.js';
import { npmDependencyCheck, verifyWorkspace } from '../../src/verification/verify-workspace.js';

const PYPROJECT = '[project]\nname = "greet"\nversion = "0.1.0"\n';
const GREET = 'def greet(name):\n    return f"Hello, {name}!"\n';
const TEST = 'import unittest\nfrom greet.core import greet\n\nclass GreetTest(unittest.TestCase):\n    def test_greets(self):\n        self.assertEqual(greet("Ada"), "Hello, Ada!")\n\n    def test_other(self):\n        self.assertTrue(greet("x").startswith("Hello"))\n';

describe('verification: a workspace through its profile', function () {
  this.timeout(120_000);
  let root = '';
  before(async () => {
    root = await mkdtemp('/var/tmp/zekka-verify-test-');
    await chmod(root, 0o711);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const options = () => ({ workRoot: join(root, 'runs'), packageCacheDir: join(root, 'cache') });

  it('passes a Python project whose tests pass, with the counts the runner printed', async () => {
    const files = new Map([
      ['pyproject.toml', PYPROJECT],
      ['greet/__init__.py', ''],
      ['greet/core.py', GREET],
      ['tests/__init__.py', ''],
      ['tests/test_core.py', TEST],
    ]);
    const { report } = await verifyWorkspace({ ...options(), files, profile: pythonProfile });
    expect(report.status, JSON.stringify(report, null, 2)).to.equal('passed');
    expect(report.commands.map((command) => command.phase)).to.deep.equal(['build', 'test']);
    expect(report.commands[1]?.tests).to.deep.equal({ passed: 2, failed: 0, skipped: 0 });
    expect(report.summary).to.match(/passed \(2 passed, 0 failed\)/);
  });

  it('fails a Python project whose test fails, and keeps the failure in the output tail', async () => {
    const files = new Map([
      ['pyproject.toml', PYPROJECT],
      ['greet/__init__.py', ''],
      ['greet/core.py', GREET.replace('Hello', 'Bye')],
      ['tests/__init__.py', ''],
      ['tests/test_core.py', TEST],
    ]);
    const { report } = await verifyWorkspace({ ...options(), files, profile: pythonProfile });
    expect(report.status).to.equal('failed');
    const test = report.commands.find((command) => command.phase === 'test');
    expect(test?.tests).to.deep.equal({ passed: 0, failed: 2, skipped: 0 });
    expect(test?.outputTail).to.include('AssertionError');
    expect(report.summary).to.match(/python -m unittest failed/);
  });

  it('says which manifest is missing before running anything', async () => {
    const { report } = await verifyWorkspace({ ...options(), files: new Map([['main.py', 'print(1)']]), profile: pythonProfile });
    expect(report.status).to.equal('failed');
    expect(report.summary).to.include('missing pyproject.toml');
    expect(report.commands).to.deep.equal([]);
  });

  it('runs a Node project (no dependencies) through install, build and test', async () => {
    const manifest = { name: 'tiny', version: '1.0.0', private: true, type: 'module', scripts: { build: 'node --check index.js', test: 'node --test' } };
    const files = new Map([
      ['package.json', JSON.stringify(manifest)],
      ['tsconfig.json', '{}'],
      ['index.js', 'export const add = (a, b) => a + b;\n'],
      ['index.test.js', "import test from 'node:test';\nimport assert from 'node:assert';\nimport { add } from './index.js';\ntest('adds', () => assert.equal(add(1, 2), 3));\n"],
    ]);
    const { report, producedFiles } = await verifyWorkspace({ ...options(), files, profile: nodeTypescriptProfile });
    expect(report.status, JSON.stringify(report, null, 2)).to.equal('passed');
    expect(report.commands.map((command) => command.label)).to.deep.equal(['npm install', 'npm run build', 'npm test']);
    expect(report.commands[2]?.tests).to.deep.equal({ passed: 1, failed: 0, skipped: 0 });
    expect(producedFiles.has('package-lock.json'), 'the install wrote a lockfile for the workspace').to.equal(true);
  });

  it('fails a dependency the registry does not have, before installing anything', async () => {
    const manifest = { name: 'tiny', version: '1.0.0', dependencies: { 'zekka-surely-not-a-real-package-5f1c2a': '1.0.0' } };
    const files = new Map([
      ['package.json', JSON.stringify(manifest)],
      ['tsconfig.json', '{}'],
    ]);
    const { report } = await verifyWorkspace({ ...options(), files, profile: nodeTypescriptProfile });
    expect(report.status).to.equal('failed');
    expect(report.missingDependencies.map((dependency) => dependency.name)).to.deep.equal(['zekka-surely-not-a-real-package-5f1c2a']);
    expect(report.commands.filter((command) => command.skipped).map((command) => command.phase)).to.deep.equal(['install', 'build', 'test']);
  });

  it('asks the registry only about dependencies the package cache does not prove, and still fails an invented name', async () => {
    const cache = join(root, 'warm-cache');
    // A tarball fetched from the registry before, as a previous verification's install leaves it.
    execFileSync('npm', ['cache', 'add', 'is-number@7.0.0', '--cache', cache], { stdio: 'ignore' });
    const asked: string[] = [];
    const checkDependency: typeof npmDependencyCheck = async (dependency, context) => {
      asked.push(dependency.name);
      return npmDependencyCheck(dependency, context);
    };
    const manifest = { name: 'tiny', version: '1.0.0', dependencies: { 'is-number': '7.0.0', 'is-odd': '^3.0.1', 'zekka-surely-not-a-real-package-5f1c2a': '1.0.0' } };
    const files = new Map([
      ['package.json', JSON.stringify(manifest)],
      ['tsconfig.json', '{}'],
    ]);
    const { report } = await verifyWorkspace({ ...options(), packageCacheDir: cache, files, profile: nodeTypescriptProfile, checkDependency });
    expect(asked.sort()).to.deep.equal(['is-odd', 'zekka-surely-not-a-real-package-5f1c2a']);
    expect(report.missingDependencies.map((dependency) => dependency.name)).to.deep.equal(['zekka-surely-not-a-real-package-5f1c2a']);
    expect(report.commands[0]?.label).to.equal('registry check of 3 dependencies (1 found in the package cache)');
  });

  it('reports a stack without a profile as not verified, plainly', async () => {
    const { report } = await verifyWorkspace({ ...options(), files: new Map([['main.rs', 'fn main() {}']]), profile: undefined, noProfileReason: 'the stack rust has no toolchain profile' });
    expect(report.status).to.equal('unverifiable');
    expect(report.summary).to.equal('not verified: the stack rust has no toolchain profile');
  });
});
