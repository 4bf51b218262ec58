/**
 * The lookup the engine and the arbitrator use to find a project owner's own provider keys:
 * the owner's ProviderKey rows, opened with the process's keyring (PROVIDER_KEYS_ENCRYPTION_KEY,
 * the same as the API's). Results are cached per owner for a short time (default 30 s) so an agent
 * job costs no extra query in the common case; a key stored, replaced or removed takes effect on
 * every worker within that time.
 *
 * A process without the keyring, or one whose keyring lacks the key a row was sealed under, fails
 * the call (ProviderKeysUnavailableError) instead of running the owner's project on the server's
 * providers: the user asked for their own account to be used, and a misconfigured worker must be
 * visible, not silently billed elsewhere. Owners without stored keys are unaffected either way.
 */
import { LRUCache } from 'lru-cache';
import type { PrismaClient } from '../../db/prisma-types.js';
import { BYO_PROVIDERS, ProviderKeysUnavailableError, type ByoProvider, type CredentialLookup, type ProviderCredentials } from './provider-credentials.js';

export interface SealedKey {
  keyId: string;
  iv: string;
  ciphertext: string;
  authTag: string;
}

/** Decrypts one stored key (ProviderKeyVault.open); throws when it cannot. */
export interface KeyOpener {
  open(userId: string, provider: string, sealed: SealedKey): string;
}

export interface OwnerCredentialsOptions {
  prisma: PrismaClient;
  /** Undefined when this process has no keyring. */
  opener: KeyOpener | undefined;
  ttlMs?: number;
  maxOwners?: number;
}

type Entry = { credentials: ProviderCredentials | undefined } | { error: ProviderKeysUnavailableError };

export class OwnerCredentials implements CredentialLookup {
  private readonly cache: LRUCache<string, Entry>;

  constructor(private readonly options: OwnerCredentialsOptions) {
    this.cache = new LRUCache({ max: options.maxOwners ?? 10_000, ttl: options.ttlMs ?? 30_000 });
  }

  async forOwner(ownerId: string): Promise<ProviderCredentials | undefined> {
    let entry = this.cache.get(ownerId);
    if (!entry) {
      entry = await this.load(ownerId);
      this.cache.set(ownerId, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry.credentials;
  }

  private async load(ownerId: string): Promise<Entry> {
    const rows = await this.options.prisma.providerKey.findMany({
      where: { userId: ownerId, provider: { in: [...BYO_PROVIDERS] } },
      select: { provider: true, keyId: true, iv: true, ciphertext: true, authTag: true },
      orderBy: { provider: 'asc' },
    });
    if (rows.length === 0) return { credentials: undefined };
    const opener = this.options.opener;
    const names = rows.map((row) => row.provider);
    if (!opener) return { error: new ProviderKeysUnavailableError('PROVIDER_KEYS_ENCRYPTION_KEY is not set here', names) };
    const credentials: Partial<Record<ByoProvider, string>> = {};
    for (const row of rows) {
      try {
        credentials[row.provider as ByoProvider] = opener.open(ownerId, row.provider, row);
      } catch {
        // The cause may quote key material; say only which server key the row needs.
        return { error: new ProviderKeysUnavailableError(`it was sealed under server key "${row.keyId}", which PROVIDER_KEYS_ENCRYPTION_KEY here cannot open`, [row.provider]) };
      }
    }
    return { credentials };
  }
}
