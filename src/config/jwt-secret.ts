/**
 * Where a process's JWT signing secret comes from. No mode signs with a secret written in the
 * source: `zekka api`, `worker` and `arbitrator` require JWT_SECRET (checked for strength by the
 * env schema); `zekka dev`, a single process on a developer's machine, may instead generate one
 * and keep it in `<ZEKKA_DATA_DIR>/jwt-secret` so tokens survive a restart.
 *
 * The file is created atomically and never trusted blindly: it is written under a unique name
 * with mode 0600 and hard-linked into place (link fails if the name exists, so two processes
 * starting at once agree on one secret and nobody reads a half-written file); a file that is a
 * symlink, readable by group or others, or weak is refused with a message naming it.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors/config-error.js';
import type { Env } from './env.js';
import { secretWeakness } from './secret-strength.js';

/** `required`: JWT_SECRET must be set. `generate`: use JWT_SECRET, else the data directory's secret. `unused`: the process signs nothing. */
export type JwtSecretPolicy = 'required' | 'generate' | 'unused';

export const JWT_SECRET_FILE = 'jwt-secret';

const HOW = 'set JWT_SECRET to at least 32 random bytes, e.g. `openssl rand -hex 32` (only `zekka dev` generates one)';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

async function readKept(path: string): Promise<string> {
  const info = await lstat(path);
  if (!info.isFile()) throw new ConfigError([`JWT_SECRET is missing and ${path} is not a regular file: remove it, or ${HOW}`]);
  if ((info.mode & 0o077) !== 0) {
    throw new ConfigError([`JWT_SECRET is missing and ${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}): run \`chmod 600 ${path}\`, or ${HOW}`]);
  }
  const secret = (await readFile(path, 'utf8')).trim();
  const weakness = secretWeakness(secret);
  if (weakness) throw new ConfigError([`JWT_SECRET is missing and the secret in ${path} ${weakness}: remove the file to generate a new one, or ${HOW}`]);
  return secret;
}

/** Creates the file if no other process did first; returns whichever secret is in place. */
async function createKept(dataDir: string, path: string): Promise<string> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const partial = join(dataDir, `.${JWT_SECRET_FILE}.${process.pid}.${randomBytes(6).toString('hex')}`);
  const handle = await open(partial, 'wx', 0o600);
  try {
    await handle.writeFile(`${randomBytes(32).toString('base64url')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(partial, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(partial);
  }
  return readKept(path);
}

/** The secret this process signs and verifies tokens with (undefined for `unused`). */
export async function resolveJwtSecret(env: Pick<Env, 'JWT_SECRET' | 'ZEKKA_DATA_DIR'>, policy: JwtSecretPolicy): Promise<string | undefined> {
  if (env.JWT_SECRET !== undefined || policy === 'unused') return env.JWT_SECRET;
  if (policy === 'required') throw new ConfigError([`JWT_SECRET is missing: ${HOW}`]);
  const path = join(env.ZEKKA_DATA_DIR, JWT_SECRET_FILE);
  try {
    return await readKept(path);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  return createKept(env.ZEKKA_DATA_DIR, path);
}
