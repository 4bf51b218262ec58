/**
 * `npm run lint` fails on a wrong-way import, an import cycle (type-only included) and an unused
 * export or file. Each case is a small project written to a temporary folder, checked with the
 * repository's own .dependency-cruiser.cjs and knip.json by the same binaries the lint runs.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

const TSCONFIG = JSON.stringify({
  compilerOptions: { target: 'ES2023', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true, skipLibCheck: true },
  include: ['src'],
});

/** A temporary project holding `files` and the repository's lint configuration. */
async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zekka-lint-'));
  await copyFile(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  await copyFile(join(root, 'knip.json'), join(dir, 'knip.json'));
  await writeFile(join(dir, 'tsconfig.json'), TSCONFIG);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'lint-fixture', private: true, type: 'module' }));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

const depcruise = (dir: string): Promise<Run> => run(bin('depcruise'), ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], dir);

describe('lint: layer rules and unused code', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  const fixture = async (files: Record<string, string>): Promise<string> => {
    const dir = await project(files);
    dirs.push(dir);
    return dir;
  };

  it('runs dependency-cruiser and knip as part of npm run lint', async () => {
    const scripts = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.lint).to.include('npm run -s lint:deps').and.include('npm run -s lint:unused');
    expect(scripts['lint:deps']).to.match(/^depcruise src queues workers web\/src --config \.dependency-cruiser\.cjs/);
    expect(scripts['lint:unused']).to.match(/^knip\b/);
  });

  it('passes imports that run down the layers', async () => {
    const dir = await fixture({
      'src/engine/runner.ts': "import { role } from '../agents/role.js';\nimport type { Row } from '../db/row.js';\nexport const run = (row: Row): string => role + row.id;\n",
      'src/agents/role.ts': "export const role = 'analyst';\n",
      'src/db/row.ts': 'export interface Row { id: string }\n',
    });
    const result = await depcruise(dir);
    expect(result.output).to.include('no dependency violations found');
    expect(result.code).to.equal(0);
  });

  it('fails on an import up the layers, a type-only one included', async () => {
    const dir = await fixture({
      'src/agents/role.ts': "import type { Runner } from '../engine/runner.js';\nexport const role = (runner: Runner): string => runner.name;\n",
      'src/engine/runner.ts': 'export interface Runner { name: string }\n',
      'src/config/env.ts': "import { price } from '../economics/price.js';\nexport const env = { price };\n",
      'src/economics/price.ts': 'export const price = 1;\n',
    });
    const result = await depcruise(dir);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.include('layer-agents: src/agents/role.ts → src/engine/runner.ts');
    expect(result.output).to.include('layer-base: src/config/env.ts → src/economics/price.ts');
  });

  it('fails on an import cycle, even one made of type-only imports', async () => {
    const dir = await fixture({
      'src/engine/a.ts': "import type { B } from './b.js';\nexport interface A { b?: B }\n",
      'src/engine/b.ts': "import type { A } from './a.js';\nexport interface B { a?: A }\n",
    });
    const result = await depcruise(dir);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.match(/no-circular: src\/engine\/(a|b)\.ts/);
  });

  it('fails when anything but runtime imports the offline model', async () => {
    const dir = await fixture({
      'src/economics/free.ts': "import { offline } from '../offline-model/index.js';\nexport const free = offline;\n",
      'src/offline-model/index.ts': "export const offline = 'offline';\n",
    });
    const result = await depcruise(dir);
    expect(result.code).to.not.equal(0);
    expect(result.output).to.include('offline-model-via-runtime: src/economics/free.ts → src/offline-model/index.ts');
  });

  it('fails on an unused export and an unused file, and passes once they are gone', async () => {
    const files = {
      'src/cli/main.ts': "import { used } from '../agents/names.js';\nconsole.log(used);\n",
      'src/agents/names.ts': "export const used = 'used';\nexport const forgotten = 'forgotten';\n",
      'src/agents/orphan.ts': "export const orphan = 'orphan';\n",
    };
    const dirty = await fixture(files);
    const result = await run(bin('knip'), ['--no-progress'], dirty);
    expect(result.code, result.output).to.not.equal(0);
    expect(result.output).to.match(/Unused files \(1\)\s+src\/agents\/orphan\.ts/);
    expect(result.output).to.match(/Unused exports \(1\)\s+forgotten\s+src\/agents\/names\.ts/);

    const clean = await fixture({ 'src/cli/main.ts': files['src/cli/main.ts'], 'src/agents/names.ts': "export const used = 'used';\n" });
    const passed = await run(bin('knip'), ['--no-progress'], clean);
    expect(passed.code, passed.output).to.equal(0);
  });
});
