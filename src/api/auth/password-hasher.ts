/**
 * Password hashing with argon2id.
 *
 * Parameters, chosen on purpose: m = 19 MiB, t = 2, p = 1 — OWASP's first recommended argon2id
 * setting (Password Storage Cheat Sheet). The library default (m = 64 MiB, t = 3, p = 4) costs
 * about 110 ms per hash on our 2-core machines; this one about a fifth of that, which keeps a
 * login well inside the API's latency budget while an offline attacker still pays 19 MiB of
 * memory-hard work per guess. argon2 runs on libuv's thread pool (4 threads), so at most 4 × 19 MiB
 * is in use however many logins arrive at once. Hashes made with other parameters still verify
 * and are upgraded at the next successful login (`needsRehash`).
 *
 * `verifyNothing` spends one verification on a fixed dummy hash: a login for an unknown email
 * takes as long as one with a wrong password, so timing does not tell which emails exist.
 */
import argon2 from 'argon2';

export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly options: typeof ARGON2_OPTIONS = ARGON2_OPTIONS) {}

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      // A malformed stored hash (e.g. a seeded placeholder) never matches.
      return false;
    }
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.options);
    } catch {
      return true;
    }
  }

  async verifyNothing(password: string): Promise<false> {
    this.dummy ??= this.hash('zekka-dummy-password-for-unknown-accounts');
    await this.verify(await this.dummy, password);
    return false;
  }
}
