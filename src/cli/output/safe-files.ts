/**
 * Writing files whose paths come from elsewhere (a server, a project's agents) under one folder,
 * and nowhere else: absolute paths, `..` segments, backslashes and NUL are refused, and so is a
 * path that would leave the folder through a symbolic link already inside it.
 */
import { lstat, mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { CliError } from '../cli-error.js';

const within = (root: string, path: string) => path === root || path.startsWith(root + sep);

/** The absolute target of `relative` under `root`, or a CliError saying why it is refused. */
export function targetUnder(root: string, relative: string): string {
  const base = resolve(root);
  const refuse = (why: string) => new CliError(`refusing to write ${JSON.stringify(relative)} outside ${base}: ${why}`);
  if (relative.length === 0 || relative.includes('\0')) throw refuse('not a file path');
  if (isAbsolute(relative) || /^[a-z]:/i.test(relative)) throw refuse('an absolute path');
  if (relative.includes('\\')) throw refuse('a backslash in the path');
  if (relative.split('/').includes('..')) throw refuse('a .. segment');
  const target = resolve(base, relative);
  if (!target.startsWith(base + sep)) throw refuse('not inside the folder');
  return target;
}

/** Writes `content` to `relative` under `root`, creating folders; returns the absolute path. */
export async function writeUnder(root: string, relative: string, content: string | Uint8Array): Promise<string> {
  const target = targetUnder(root, relative);
  await mkdir(dirname(target), { recursive: true });
  // A symbolic link inside the folder (left by someone else) must not carry the write outside it.
  const [realRoot, realParent] = await Promise.all([realpath(resolve(root)), realpath(dirname(target))]);
  if (!within(realRoot, realParent)) throw new CliError(`refusing to write ${JSON.stringify(relative)}: a symbolic link leads outside ${realRoot}`);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isSymbolicLink()) throw new CliError(`refusing to write ${JSON.stringify(relative)}: it is a symbolic link`);
  await writeFile(target, content);
  return target;
}
