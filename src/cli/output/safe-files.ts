/**
 * Writing files whose paths come from elsewhere (a server, a project's agents) under one folder,
 * and nowhere else: absolute paths, `..` segments, backslashes and NUL are refused, and so is a
 * path that passes through a symbolic link inside the folder (left there by someone else).
 *
 * Nothing is created before it is checked: the folders below the root are walked one level at a
 * time — each existing one must be a real directory (lstat, never followed), each missing one is
 * made on its own (mkdir without `recursive`) — and the file is opened with O_NOFOLLOW. So a
 * planted link can neither receive the file nor an empty folder on the way.
 */
import { constants, type WriteStream } from 'node:fs';
import { lstat, mkdir, open } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { CliError } from '../cli-error.js';

const WRITE_NO_FOLLOW = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

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

/**
 * Makes `folder` under `root` one level at a time, refusing (before creating anything below it) a
 * component that is a symbolic link or not a directory. The root itself is the caller's choice.
 */
async function folderUnder(root: string, folder: string, relative: string): Promise<void> {
  await mkdir(root, { recursive: true });
  const parts = folder === root ? [] : folder.slice(root.length + 1).split(sep);
  let current = root;
  for (const part of parts) {
    current = join(current, part);
    let stats = await lstat(current).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (!stats) {
      // EEXIST: another download made it in between; it is checked like any existing one.
      await mkdir(current).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
      stats = await lstat(current);
    }
    if (stats.isSymbolicLink()) throw new CliError(`refusing to write ${JSON.stringify(relative)}: a symbolic link leads outside ${root} (${current})`);
    if (!stats.isDirectory()) throw new CliError(`refusing to write ${JSON.stringify(relative)}: ${current} is not a folder`);
  }
}

/** Opens `relative` under `root` for writing, creating folders; refuses a symbolic link anywhere on the way. */
async function openUnder(root: string, relative: string) {
  const target = targetUnder(root, relative);
  await folderUnder(resolve(root), dirname(target), relative);
  try {
    return { target, handle: await open(target, WRITE_NO_FOLLOW, 0o644) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new CliError(`refusing to write ${JSON.stringify(relative)}: it is a symbolic link`);
    throw error;
  }
}

/** Writes `content` to `relative` under `root`, creating folders; returns the absolute path. */
export async function writeUnder(root: string, relative: string, content: string | Uint8Array): Promise<string> {
  const { target, handle } = await openUnder(root, relative);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return target;
}

/** A write stream to a single file name under `root` (no folders), with the same checks. */
export async function streamUnder(root: string, fileName: string): Promise<{ target: string; stream: WriteStream }> {
  if (basename(fileName) !== fileName) throw new CliError(`refusing to write ${JSON.stringify(fileName)}: not a plain file name`);
  const { target, handle } = await openUnder(root, fileName);
  return { target, stream: handle.createWriteStream() };
}
