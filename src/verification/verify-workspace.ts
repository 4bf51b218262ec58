/**
 * Verification of one workspace: materialise its files in a fresh directory, check the profile's
 * manifests, check every declared dependency exists in the registry at its pinned version (models
 * invent package names, and attackers register them), then run the profile's commands in the
 * sandbox in order — install (network to the registry only, no install scripts), build, test (no
 * network) — stopping at the first failure. The structured report says, per command, its exit
 * code, duration, the limit it hit, test counts where the runner prints them and the tail of its
 * output, and which isolation was in force. The directory is removed afterwards whatever happens.
 */
import { constants } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkWorkspacePath } from '../engine/workspace/workspace-paths.js';
import type { ProfileId } from '../agents/request-kind.js';
import type { CommandPhase, DeclaredDependency, TestCounts, ToolchainProfile } from './profiles/toolchain-profile.js';
import { npmCachedDependencies } from './npm-cache-check.js';
import { runSandboxed, type SandboxIsolationReport, type SandboxLimitName, type SandboxResult } from './sandbox/sandbox.js';

export type VerificationStatus = 'passed' | 'failed' | 'unverifiable';

export interface CommandReport {
  phase: CommandPhase | 'dependencies';
  label: string;
  /** null when the command was not run because an earlier one failed. */
  exitCode: number | null;
  passed: boolean;
  skipped: boolean;
  durationMs: number;
  limit?: SandboxLimitName;
  tests?: TestCounts;
  /** The last few KB of its output. */
  outputTail: string;
}

export interface MissingDependency extends DeclaredDependency {
  reason: string;
}

export interface VerificationReport {
  status: VerificationStatus;
  profile: ProfileId | null;
  profileName: string | null;
  /** One line a person reads first: what passed, or what failed and why. */
  summary: string;
  commands: CommandReport[];
  missingDependencies: MissingDependency[];
  isolation: SandboxIsolationReport | null;
  durationMs: number;
}

export interface VerifyWorkspaceOptions {
  files: ReadonlyMap<string, string>;
  /** undefined: the stack has no profile; the report says it could not be verified. */
  profile: ToolchainProfile | undefined;
  /** Why there is no profile (e.g. "stack rust/axum has no toolchain profile"). */
  noProfileReason?: string;
  /** Directory under which each run gets a fresh directory (outside /tmp). */
  workRoot: string;
  /** npm's cache, shared between runs: written by installs only, read-only to build and test. */
  packageCacheDir: string;
  /** Tail kept per command. */
  outputBytes?: number;
  /** Scales each command's wall-time limit (tests use small ones). */
  wallMsCap?: number;
  /** The registry check; defaults to `npm view` in the sandbox. */
  checkDependency?: (dependency: DeclaredDependency, context: DependencyCheckContext) => Promise<string | undefined>;
  /** `name@version` of the dependencies the warm package cache proves exist; defaults to `npm cache ls` (npm-cache-check.ts). */
  cachedDependencies?: (declared: readonly DeclaredDependency[], context: DependencyCheckContext) => Promise<Set<string>>;
}

export interface DependencyCheckContext {
  workDir: string;
  packageCacheDir: string;
}

/** Files a verification produced that belong in the workspace (a lockfile an install wrote). */
export interface VerificationOutcome {
  report: VerificationReport;
  producedFiles: Map<string, string>;
}

const PRODUCED = ['package-lock.json'];
const MAX_PRODUCED_BYTES = 20 * 1024 ** 2;
/** The registry every npm command uses, whatever a model-written `.npmrc` says (the environment outranks it). */
const NPM_REGISTRY = process.env.npm_config_registry ?? 'https://registry.npmjs.org/';

async function materialise(files: ReadonlyMap<string, string>, workDir: string): Promise<void> {
  for (const [path, content] of files) {
    checkWorkspacePath(path);
    const target = resolve(workDir, path);
    if (!target.startsWith(`${workDir}/`)) throw new Error(`refused path ${path}`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
}

/**
 * A file the sandboxed commands wrote, read by the worker (as root): only a regular file, never
 * through a symbolic link (model code could point one at /proc/self/environ or /etc/shadow), never
 * a FIFO that would block, and bounded in size.
 */
async function readProducedFile(path: string): Promise<string | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_PRODUCED_BYTES) return undefined;
    return await handle.readFile('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** `npm view name@spec version` in the sandbox: undefined when it exists, else why not. */
export async function npmDependencyCheck(dependency: DeclaredDependency, context: DependencyCheckContext): Promise<string | undefined> {
  // Other registries (PyPI) are not checked here: their install fails on a name that does not exist.
  if (dependency.manifest !== 'package.json') return undefined;
  const spec = dependency.spec.startsWith('npm:') || /^(?:file|link|git|https?|github):/.test(dependency.spec) ? undefined : dependency.spec;
  if (spec === undefined) return `only registry versions are allowed (got ${JSON.stringify(dependency.spec)})`;
  const result = await runSandboxed({
    argv: ['npm', 'view', '--json', `${dependency.name}@${spec}`, 'version'],
    workDir: context.workDir,
    network: true,
    writablePaths: [context.packageCacheDir],
    env: { npm_config_cache: context.packageCacheDir, npm_config_update_notifier: 'false', npm_config_registry: NPM_REGISTRY },
    limits: { wallMs: 60_000, outputBytes: 16_384 },
  });
  if (result.exitCode === 0 && result.output.trim() !== '') return undefined;
  if (/E404|404 Not Found/.test(result.output)) return 'not in the registry';
  if (result.exitCode === 0) return `no version matches ${spec}`;
  return `registry check failed: ${result.output.trim().split('\n').slice(-1)[0] ?? `exit ${result.exitCode}`}`;
}

function commandReport(phase: CommandReport['phase'], label: string, result: SandboxResult, tests?: TestCounts): CommandReport {
  const passed = result.exitCode === 0 && result.limit === undefined && (tests === undefined || tests.failed === 0);
  return { phase, label, exitCode: result.exitCode, passed, skipped: false, durationMs: result.durationMs, limit: result.limit, tests, outputTail: result.output };
}

function summarise(profileName: string, commands: CommandReport[], missing: MissingDependency[]): string {
  if (missing.length > 0) return `${profileName}: ${missing.length} dependenc${missing.length === 1 ? 'y' : 'ies'} not found in the registry (${missing.map((m) => m.name).join(', ')})`;
  const failed = commands.find((command) => !command.passed && !command.skipped);
  const tests = commands.find((command) => command.tests)?.tests;
  const counts = tests ? ` (${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ''})` : '';
  if (!failed) return `${profileName}: ${commands.map((command) => command.label).join(', ')} passed${counts}`;
  const why = failed.limit ? `stopped at its ${failed.limit} limit` : `exit ${failed.exitCode ?? 'none'}`;
  return `${profileName}: ${failed.label} failed (${why})${failed.phase === 'test' ? counts : ''}`;
}

export async function verifyWorkspace(options: VerifyWorkspaceOptions): Promise<VerificationOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const { profile } = options;
  if (!profile) {
    const summary = `not verified: ${options.noProfileReason ?? 'the stack has no toolchain profile'}`;
    return { report: { status: 'unverifiable', profile: null, profileName: null, summary, commands: [], missingDependencies: [], isolation: null, durationMs: elapsed() }, producedFiles: new Map() };
  }
  const base = { profile: profile.id, profileName: profile.name };
  const missingManifests = profile.manifests.filter((manifest) => !options.files.has(manifest));
  if (missingManifests.length > 0) {
    const summary = `${profile.name}: missing ${missingManifests.join(', ')}`;
    return { report: { ...base, status: 'failed', summary, commands: [], missingDependencies: [], isolation: null, durationMs: elapsed() }, producedFiles: new Map() };
  }

  await mkdir(options.workRoot, { recursive: true });
  // The sandbox user may pass through to its own run directory, not list the others.
  await chmod(options.workRoot, 0o711);
  await mkdir(options.packageCacheDir, { recursive: true });
  const workDir = await mkdtemp(join(resolve(options.workRoot), 'run-'));
  const commands: CommandReport[] = [];
  let isolation: SandboxIsolationReport | null = null;
  const producedFiles = new Map<string, string>();
  try {
    await materialise(options.files, workDir);
    const check = options.checkDependency ?? npmDependencyCheck;
    const declared = profile.dependencies(options.files);
    const missing: MissingDependency[] = [];
    const checkStarted = performance.now();
    const context = { workDir, packageCacheDir: options.packageCacheDir };
    const cached = await (options.cachedDependencies ?? ((list, where) => npmCachedDependencies(list, where, NPM_REGISTRY)))(declared, context);
    const toCheck = declared.filter((dependency) => !cached.has(`${dependency.name}@${dependency.spec}`));
    // A few at a time: each is a registry round trip.
    for (let index = 0; index < toCheck.length; index += 6) {
      const batch = toCheck.slice(index, index + 6);
      const reasons = await Promise.all(batch.map((dependency) => check(dependency, context)));
      batch.forEach((dependency, position) => {
        const reason = reasons[position];
        if (reason !== undefined) missing.push({ ...dependency, reason });
      });
    }
    if (declared.length > 0) {
      const outputTail = missing.map((m) => `${m.manifest}: ${m.name}@${m.spec}: ${m.reason}`).join('\n');
      const label = `registry check of ${declared.length} dependencies${cached.size > 0 ? ` (${cached.size} found in the package cache)` : ''}`;
      commands.push({ phase: 'dependencies', label, exitCode: missing.length === 0 ? 0 : 1, passed: missing.length === 0, skipped: false, durationMs: Math.round(performance.now() - checkStarted), outputTail });
    }
    let failed = missing.length > 0;
    for (const command of profile.commands(options.files)) {
      if (failed) {
        commands.push({ phase: command.phase, label: command.label, exitCode: null, passed: false, skipped: true, durationMs: 0, outputTail: '' });
        continue;
      }
      const result = await runSandboxed({
        argv: command.argv,
        workDir,
        network: command.network,
        writablePaths: command.network ? [options.packageCacheDir] : [],
        env: { npm_config_cache: options.packageCacheDir, npm_config_update_notifier: 'false', npm_config_registry: NPM_REGISTRY, PYTHONPATH: '.deps' },
        limits: { wallMs: Math.min(command.wallMs, options.wallMsCap ?? Number.POSITIVE_INFINITY), outputBytes: options.outputBytes ?? 8_192 },
      });
      isolation ??= result.isolation;
      if (!command.network) isolation = result.isolation;
      const report = commandReport(command.phase, command.label, result, command.phase === 'test' ? profile.testCounts(result.output) : undefined);
      commands.push(report);
      failed = !report.passed;
    }
    // Handed back only when the software passed: a repair that changes the manifests installs afresh.
    for (const path of failed ? [] : PRODUCED) {
      if (options.files.has(path)) continue;
      const content = await readProducedFile(join(workDir, path));
      if (content !== undefined) producedFiles.set(path, content);
    }
    const status: VerificationStatus = failed ? 'failed' : 'passed';
    return { report: { ...base, status, summary: summarise(profile.name, commands, missing), commands, missingDependencies: missing, isolation, durationMs: elapsed() }, producedFiles };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
