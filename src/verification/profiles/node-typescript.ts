/**
 * Node.js / TypeScript: `package.json` (with `build` or `typecheck` and `test` scripts) and
 * `tsconfig.json` at the root. Install from the lockfile with no install scripts (`npm ci
 * --ignore-scripts`; without a lockfile `npm install --ignore-scripts` writes one, which the
 * report hands back to the workspace), then type-check or build, then test — both offline.
 */
import { parseTestCounts } from './test-counts.js';
import type { DeclaredDependency, ProfileCommand, ToolchainProfile } from './toolchain-profile.js';

interface PackageManifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(files: ReadonlyMap<string, string>): PackageManifest {
  const text = files.get('package.json');
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? (parsed) : {};
  } catch {
    return {};
  }
}

const NPM_FLAGS = ['--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

export const nodeTypescriptProfile: ToolchainProfile = {
  id: 'node-typescript',
  name: 'Node.js / TypeScript',
  manifests: ['package.json', 'tsconfig.json'],

  commands(files) {
    const scripts = readManifest(files).scripts ?? {};
    const install: ProfileCommand = files.has('package-lock.json')
      ? { phase: 'install', label: 'npm ci', argv: ['npm', 'ci', ...NPM_FLAGS], network: true, wallMs: 300_000 }
      : { phase: 'install', label: 'npm install', argv: ['npm', 'install', ...NPM_FLAGS], network: true, wallMs: 300_000 };
    const buildScript = scripts.build ? 'build' : scripts.typecheck ? 'typecheck' : undefined;
    const build: ProfileCommand = buildScript
      ? { phase: 'build', label: `npm run ${buildScript}`, argv: ['npm', 'run', '--silent', buildScript], network: false, wallMs: 300_000 }
      : { phase: 'build', label: 'tsc --noEmit', argv: ['node_modules/.bin/tsc', '--noEmit', '-p', 'tsconfig.json'], network: false, wallMs: 300_000 };
    const test: ProfileCommand = { phase: 'test', label: 'npm test', argv: ['npm', 'test', '--silent'], network: false, wallMs: 300_000 };
    return [install, build, test];
  },

  dependencies(files) {
    const manifest = readManifest(files);
    const declared: DeclaredDependency[] = [];
    for (const group of [manifest.dependencies, manifest.devDependencies, manifest.optionalDependencies]) {
      for (const [name, spec] of Object.entries(group ?? {})) declared.push({ name, spec, manifest: 'package.json' });
    }
    return declared;
  },

  testCounts: parseTestCounts,
};
