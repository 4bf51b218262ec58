/**
 * Workspace path rules. A model's output names files; before anything is written each path must
 * be a plain relative POSIX path inside the workspace and inside the agent's allowed globs.
 */
import picomatch from 'picomatch';

export class UnsafePathError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`refused path ${JSON.stringify(path)}: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** Returns the normalised path, or throws UnsafePathError saying what is wrong with it. */
export function checkWorkspacePath(path: string): string {
  if (path.length === 0) throw new UnsafePathError(path, 'empty');
  if (path.length > 300) throw new UnsafePathError(path, 'longer than 300 characters');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new UnsafePathError(path, 'contains a control character');
  if (path.includes('\\')) throw new UnsafePathError(path, 'contains a backslash');
  if (path.startsWith('/') || /^[A-Z]:/i.test(path) || path.startsWith('~')) throw new UnsafePathError(path, 'is absolute');
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '..') throw new UnsafePathError(path, 'leaves the workspace (..)');
    if (segment === '' || segment === '.') throw new UnsafePathError(path, 'has an empty or "." segment');
  }
  return path;
}

const matchers = new Map<string, (path: string) => boolean>();

/** True when `path` matches one of `globs` (dotfiles included). */
export function isAllowedPath(path: string, globs: readonly string[]): boolean {
  const key = globs.join('\n');
  let matcher = matchers.get(key);
  if (!matcher) {
    matcher = picomatch([...globs], { dot: true });
    matchers.set(key, matcher);
  }
  return matcher(path);
}

/** Checks every path; returns the first problem as an UnsafePathError, or nothing. */
export function checkAgentPaths(paths: readonly string[], allowed: readonly string[]): void {
  const seen = new Set<string>();
  for (const path of paths) {
    checkWorkspacePath(path);
    if (seen.has(path)) throw new UnsafePathError(path, 'appears twice in one answer');
    seen.add(path);
    if (!isAllowedPath(path, allowed)) throw new UnsafePathError(path, `outside this agent's allowed paths (${allowed.join(', ')})`);
  }
}
