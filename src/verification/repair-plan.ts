/**
 * From a failed verification to repair tasks: the workspace files the failing command's output
 * names (stack traces, compiler errors, test file names), each traced to the agent instance that
 * wrote its current version, grouped by that instance. A dependency the registry does not have is
 * blamed on the manifest that declares it. Files written by Zekka itself or an arbitrator have no
 * role to repair them and are left out.
 *
 * A failing assertion names only the test file, while the fault is as often in the code under
 * test: a named test file also blames the workspace modules it imports (one level; Python
 * `import`/`from … import`, JavaScript/TypeScript relative `import`/`require`), so the author of
 * the module is asked too. A repair of a repair is run by the original instance's role under the
 * original instance's name (`<instance>.repair-<round>`, never `….repair-1.repair-2`).
 */
import { posix } from 'node:path';
import type { VerificationReport } from './verify-workspace.js';

export interface RepairTask {
  /** The instance that wrote the files (its role repairs them). */
  author: string;
  files: string[];
  /** What failed, for the repairing agent's prompt. */
  failure: string;
}

const MAX_FAILURE_CHARS = 6_000;

/** Workspace paths that appear in `text`, found by scanning for each known path (linear in text × paths). */
export function mentionedPaths(text: string, paths: readonly string[]): string[] {
  return paths.filter((path) => text.includes(path));
}

/** The failing command's label and output (and missing dependencies), trimmed for a prompt. */
export function failureText(report: VerificationReport): string {
  const failed = report.commands.find((command) => !command.passed && !command.skipped);
  const lines = [report.summary];
  for (const missing of report.missingDependencies) lines.push(`${missing.manifest}: ${missing.name}@${missing.spec}: ${missing.reason}`);
  if (failed) lines.push(`$ ${failed.label} (exit ${failed.exitCode ?? 'none'}${failed.limit ? `, ${failed.limit} limit` : ''})`, failed.outputTail);
  const text = lines.join('\n');
  return text.length > MAX_FAILURE_CHARS ? text.slice(text.length - MAX_FAILURE_CHARS) : text;
}

const TEST_FILE = /(?:^|\/)(?:tests?|__tests__)\/|(?:^|\/)test_[^/]*\.py$|_test\.py$|\.(?:test|spec)\.[cm]?[jt]sx?$/;

/** `a.b.c` (from `dir`, with `level` leading dots) → the files that module may be. */
function pythonModuleFiles(module: string, level: number, dir: string): string[] {
  const base = level === 0 ? '' : posix.join(dir, ...Array<string>(level - 1).fill('..'));
  const path = posix.join(base, ...module.split('.').filter((part) => part !== ''));
  return [`${path}.py`, `${path}/__init__.py`];
}

function pythonImports(source: string, fromPath: string): string[] {
  const dir = posix.dirname(fromPath);
  return source.split('\n').flatMap((line) => {
    const words = line.trim().split(/[\s,()]+/);
    if (words[0] === 'import') return words.slice(1).filter((word) => word !== 'as').flatMap((module) => pythonModuleFiles(module, 0, dir));
    if (words[0] !== 'from' || words[2] !== 'import' || words[1] === undefined) return [];
    const module = words[1];
    const level = module.length - module.replace(/^\.+/, '').length;
    const name = module.slice(level);
    // `from pkg import mod` may import a module as well as a name.
    const names = words.slice(3).filter((word) => word !== '' && word !== 'as' && word !== '*');
    return [...pythonModuleFiles(name, level, dir), ...names.flatMap((imported) => pythonModuleFiles(name === '' ? imported : `${name}.${imported}`, level, dir))];
  });
}

const SCRIPT_EXTENSIONS = ['', '.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.tsx', '/index.js'];

/** Relative specifiers in quotes after `from`, `require(` or `import(`. */
function scriptImports(source: string, fromPath: string): string[] {
  const dir = posix.dirname(fromPath);
  const found: string[] = [];
  for (const quote of ["'", '"']) {
    for (let at = source.indexOf(`${quote}.`); at !== -1; at = source.indexOf(`${quote}.`, at + 1)) {
      const end = source.indexOf(quote, at + 1);
      if (end === -1) break;
      const before = source.slice(Math.max(0, at - 8), at).trimEnd();
      if (!before.endsWith('from') && !before.endsWith('require(') && !before.endsWith('import(') && !before.endsWith('import')) continue;
      const target = posix.join(dir, source.slice(at + 1, end));
      const stem = target.replace(/\.[cm]?js$/, '');
      found.push(...SCRIPT_EXTENSIONS.map((extension) => `${target}${extension}`), ...SCRIPT_EXTENSIONS.map((extension) => `${stem}${extension}`));
    }
  }
  return found;
}

/** The workspace files a test file imports (the code it exercises). */
export function importedPaths(source: string, fromPath: string, paths: ReadonlySet<string>): string[] {
  const candidates = fromPath.endsWith('.py') ? pythonImports(source, fromPath) : scriptImports(source, fromPath);
  return [...new Set(candidates.filter((path) => path !== fromPath && paths.has(path)))];
}

/** `role.subject.r1-repair-2` → `role.subject`: repairs are named after the instance that first wrote the file. */
export function originalInstance(instanceKey: string): string {
  // One `.repair-N` suffix at a time (a subject may itself contain `.repair-` followed by words).
  let key = instanceKey;
  for (let match = /\.r\d+-repair-\d+$/.exec(key); match; match = /\.r\d+-repair-\d+$/.exec(key)) key = key.slice(0, match.index);
  return key;
}

export function planRepairTasks(
  report: VerificationReport,
  workspacePaths: readonly string[],
  authors: ReadonlyMap<string, string>,
  contents: ReadonlyMap<string, string> = new Map(),
): RepairTask[] {
  const failure = failureText(report);
  const named = mentionedPaths(failure, workspacePaths);
  const known = new Set(workspacePaths);
  const blamed = new Set(named);
  for (const path of named.filter((candidate) => TEST_FILE.test(candidate))) {
    for (const imported of importedPaths(contents.get(path) ?? '', path, known)) blamed.add(imported);
  }
  for (const missing of report.missingDependencies) blamed.add(missing.manifest);
  const byAuthor = new Map<string, string[]>();
  for (const path of [...blamed].sort()) {
    const author = authors.get(path);
    if (!author || author === 'zekka' || author.startsWith('arbitrator') || author.startsWith('zekka:')) continue;
    const instance = originalInstance(author);
    byAuthor.set(instance, [...(byAuthor.get(instance) ?? []), path]);
  }
  return [...byAuthor.entries()].map(([author, files]) => ({ author, files, failure }));
}
