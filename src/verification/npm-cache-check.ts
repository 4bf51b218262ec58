/**
 * The warm-cache shortcut of the registry check. npm's cache (cacache) keeps a fetched tarball
 * under the key `make-fetch-happen:request-cache:<registry>/<name>/-/<base>-<version>.tgz`, and
 * only after the registry answered it with a matching integrity: an exact `name@version` whose
 * tarball from the configured registry is in the shared cache was in that registry, so it needs
 * no `npm view` round trip. Anything else — a range, an alias, another host, a name never fetched
 * (every invented name) — still goes to the registry. One sandboxed `npm cache ls` answers for all
 * dependencies at once, against the registry verification pins (a model-written `.npmrc` cannot move it).
 */
import type { DeclaredDependency } from './profiles/toolchain-profile.js';
import { runSandboxed } from './sandbox/sandbox.js';

export interface CacheCheckContext {
  workDir: string;
  packageCacheDir: string;
}

const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[\w.-]+)?$/;
const KEY_PREFIX = 'make-fetch-happen:request-cache:';

/** The cache key a registry tarball of `name@version` is stored under. */
export function tarballKey(registry: string, name: string, version: string): string {
  const base = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  return `${KEY_PREFIX}${registry.endsWith('/') ? registry : `${registry}/`}${name}/-/${base}-${version}.tgz`;
}

function sandboxedNpm(argv: string[], context: CacheCheckContext): Promise<{ exitCode: number | null; output: string }> {
  return runSandboxed({
    argv: ['npm', ...argv],
    workDir: context.workDir,
    network: false,
    writablePaths: [],
    env: { npm_config_cache: context.packageCacheDir, npm_config_update_notifier: 'false' },
    limits: { wallMs: 60_000, outputBytes: 262_144 },
  });
}

/** `name@version` of every declared dependency whose tarball from `registry` (the pinned one) is in the cache. */
export async function npmCachedDependencies(declared: readonly DeclaredDependency[], context: CacheCheckContext, registry: string): Promise<Set<string>> {
  const exact = declared.filter((dependency) => dependency.manifest === 'package.json' && EXACT_VERSION.test(dependency.spec));
  if (exact.length === 0) return new Set();
  const specs = exact.map((dependency) => `${dependency.name}@${dependency.spec}`);
  const listing = await sandboxedNpm(['cache', 'ls', ...specs], context);
  if (listing.exitCode !== 0) return new Set();
  const keys = new Set(listing.output.split('\n').map((line) => line.trim()));
  return new Set(exact.filter((dependency) => keys.has(tarballKey(registry, dependency.name, dependency.spec))).map((dependency) => `${dependency.name}@${dependency.spec}`));
}
