/**
 * A user's own provider keys as the model layer sees them: per request, the keys of the project
 * owner (`credentials` on a routed request). Where they come from is a `CredentialLookup`
 * (./owner-credentials.ts); they travel only in memory, never in job data, events or logs.
 */
import { AppError } from '../../errors/app-error.js';

/** Providers a user may bring a key for. */
export const BYO_PROVIDERS = ['anthropic', 'gemini'] as const;
export type ByoProvider = (typeof BYO_PROVIDERS)[number];

export type ProviderCredentials = Readonly<Partial<Record<ByoProvider, string>>>;

export interface CredentialLookup {
  /** The keys a project owner stored; undefined when none. Throws ProviderKeysUnavailableError when they exist but cannot be used here. */
  forOwner(ownerId: string): Promise<ProviderCredentials | undefined>;
}

/** The providers a request brings keys for, in a stable order. */
export function credentialProviders(credentials: ProviderCredentials | undefined): ByoProvider[] {
  if (!credentials) return [];
  return BYO_PROVIDERS.filter((name) => typeof credentials[name] === 'string' && credentials[name] !== '');
}

/**
 * The owner stored keys this process cannot decrypt (no PROVIDER_KEYS_ENCRYPTION_KEY, or a key
 * sealed under a server key no longer in the ring). The call fails rather than quietly running the
 * user's project on the server's providers (or on the offline model).
 */
export class ProviderKeysUnavailableError extends AppError {
  /** The providers whose stored keys cannot be used. */
  readonly providers: readonly string[];

  constructor(reason: string, providers: readonly string[]) {
    super(`the project owner's own ${providers.join(' and ')} key cannot be used on this process: ${reason}`, {
      code: 'provider_keys_unavailable',
      status: 503,
      details: { providers: [...providers] },
    });
    this.providers = [...providers];
  }
}
