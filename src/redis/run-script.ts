/**
 * Runs a Lua script by its SHA1 (EVALSHA), sending the source (EVAL) only when the server does not
 * know it yet — after a restart or on a new node. Saves resending each script on every call.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

const shas = new Map<string, string>();

function sha1(script: string): string {
  let digest = shas.get(script);
  if (!digest) shas.set(script, (digest = createHash('sha1').update(script).digest('hex')));
  return digest;
}

export async function runScript(redis: Redis, script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  try {
    return await redis.evalsha(sha1(script), keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
