/**
 * Bring-your-own provider keys, encrypted at rest with AES-256-GCM.
 *
 * The server keys come from PROVIDER_KEYS_ENCRYPTION_KEY: `<id>:<base64 32 bytes>`, comma-separated;
 * the first encrypts, every one decrypts. Rotation: put a new key first, keep the old ones, run
 * `rotate()` (re-encrypts every row still under an old key), then drop the old keys.
 * Each row has a fresh 96-bit IV; the additional authenticated data binds the ciphertext to its
 * user and provider, so a ciphertext copied onto another row does not decrypt.
 * Plaintext keys leave this module only through `open`, called by the workers' OwnerCredentials
 * (./owner-credentials.ts), which refuses to run a project whose keys it cannot open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../../db/prisma-types.js';
import { ServiceUnavailableError } from '../../errors/app-error.js';
import type { ByoProvider } from './provider-credentials.js';

export interface Keyring {
  currentId: string;
  keys: Map<string, Buffer>;
}

export function parseKeyring(spec: string | undefined): Keyring | undefined {
  if (!spec) return undefined;
  const keys = new Map<string, Buffer>();
  for (const entry of spec.split(',').map((s) => s.trim())) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (at <= 0 || key.length !== 32) throw new Error(`PROVIDER_KEYS_ENCRYPTION_KEY: key "${id}" must be <id>:<base64 of exactly 32 bytes>`);
    if (keys.has(id)) throw new Error(`PROVIDER_KEYS_ENCRYPTION_KEY: key id "${id}" appears twice`);
    keys.set(id, key);
  }
  const currentId = [...keys.keys()][0];
  if (currentId === undefined) return undefined;
  return { currentId, keys };
}

interface Sealed {
  keyId: string;
  iv: string;
  ciphertext: string;
  authTag: string;
}

const aad = (userId: string, provider: string) => Buffer.from(`zekka-provider-key:${userId}:${provider}`);

export class ProviderKeyVault {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly keyring: Keyring | undefined,
  ) {}

  get enabled(): boolean {
    return this.keyring !== undefined;
  }

  private ring(): Keyring {
    if (!this.keyring) throw new ServiceUnavailableError('storing provider keys is disabled on this server (PROVIDER_KEYS_ENCRYPTION_KEY is not set)');
    return this.keyring;
  }

  seal(userId: string, provider: string, secret: string): Sealed {
    const ring = this.ring();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', ring.keys.get(ring.currentId) as Buffer, iv);
    cipher.setAAD(aad(userId, provider));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return { keyId: ring.currentId, iv: iv.toString('base64'), ciphertext: ciphertext.toString('base64'), authTag: cipher.getAuthTag().toString('base64') };
  }

  open(userId: string, provider: string, sealed: Sealed): string {
    const key = this.ring().keys.get(sealed.keyId);
    if (!key) throw new Error(`provider key of user ${userId} is sealed under unknown server key "${sealed.keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad(userId, provider));
    decipher.setAuthTag(Buffer.from(sealed.authTag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }

  async set(userId: string, provider: ByoProvider, secret: string): Promise<void> {
    const sealed = this.seal(userId, provider, secret);
    await this.prisma.providerKey.upsert({ where: { userId_provider: { userId, provider } }, create: { userId, provider, ...sealed }, update: sealed });
  }

  async remove(userId: string, provider: ByoProvider): Promise<boolean> {
    const removed = await this.prisma.providerKey.deleteMany({ where: { userId, provider } });
    return removed.count > 0;
  }

  async list(userId: string): Promise<{ provider: ByoProvider; updatedAt: Date }[]> {
    const rows = await this.prisma.providerKey.findMany({ where: { userId }, select: { provider: true, updatedAt: true }, orderBy: { provider: 'asc' } });
    return rows.map((r) => ({ provider: r.provider as ByoProvider, updatedAt: r.updatedAt }));
  }

  /** Re-encrypts every row not under the current server key; returns how many changed. */
  async rotate(): Promise<number> {
    const ring = this.ring();
    const stale = await this.prisma.providerKey.findMany({ where: { keyId: { not: ring.currentId } } });
    let changed = 0;
    for (const row of stale) {
      const sealed = this.seal(row.userId, row.provider, this.open(row.userId, row.provider, row));
      const updated = await this.prisma.providerKey.updateMany({ where: { id: row.id, keyId: row.keyId, iv: row.iv }, data: sealed });
      changed += updated.count;
    }
    return changed;
  }
}
