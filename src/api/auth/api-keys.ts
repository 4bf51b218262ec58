/**
 * API keys: `zk_` + 43 base64url characters (256 random bits). Only a SHA-256 of the key is
 * stored — with 256 bits of entropy a fast hash is enough and lookups stay one indexed read —
 * plus the first 11 characters, shown to the owner to tell keys apart.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'zk_';
const SHAPE = /^zk_[\w-]{43}$/;

export function isApiKeyShaped(value: string): boolean {
  return SHAPE.test(value);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 11), keyHash: hashApiKey(key) };
}
