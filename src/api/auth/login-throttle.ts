/**
 * Login throttling: progressive delays per (account, address), not account lockouts.
 *
 * Why this shape. A lockout per account ("5 wrong guesses lock the account") hands anyone who
 * knows an email address a way to lock its owner out; OWASP's Authentication Cheat Sheet advises
 * against it and recommends throttling that slows the guesser instead. So the unit of throttling
 * is the pair (account, client address):
 *
 *  1. Per pair: the first `freeFailures` failures cost nothing (typos); after that every further
 *     attempt from that address for that account waits `delayBaseMs · 2^(failures − freeFailures)`,
 *     at most `delayMaxMs`. A success from the pair forgets it. The state lives `pairMemoryMs`
 *     after the last attempt (longer than the longest delay, or waiting would reset it). The owner
 *     at another address is not touched: an attacker slows only himself.
 *  2. Per address, across all accounts: at most `maxPerAddress` failures per window (credential
 *     stuffing: one address trying many accounts). Behind a proxy this needs TRUST_PROXY, or every
 *     client shares the proxy's address.
 *  3. Per account, across all addresses, a last resort against guessing spread over many
 *     addresses: past `maxPerAccount` failures in the window, only addresses that logged in to the
 *     account successfully within the last 30 days get through (OWASP's "known device" idea,
 *     keyed on the address); new addresses wait for the window to end. Set it well above what one
 *     person mistypes, so it only bites under a distributed attack.
 *
 * An attempt is counted when it is admitted (before the password is checked) and taken back on
 * success, so parallel guesses cannot slip past the check together. Refused attempts are not
 * counted: hammering a throttled pair does not lengthen the owner's wait elsewhere.
 *
 * Unknown emails are throttled exactly like real ones (the account key is the normalised email,
 * whether or not it exists) and every refusal is the same 429 with Retry-After, so throttling
 * tells nobody which accounts exist. Keys hold hashes, never emails or addresses.
 *
 * State is in Redis (every replica shares it; two atomic Lua scripts, every key with a TTL). With
 * Redis unreachable the throttle fails closed: the fail-fast connection's error becomes
 * 503 `unavailable` with Retry-After: 5, as for everything else that needs Redis — logins are not
 * let through unthrottled.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loginThrottleKeys } from '../../redis/keys.js';
import { runScript } from '../../redis/run-script.js';
import { TooManyRequestsError } from '../http-errors.js';
import { ADMIT, SUCCEED } from './login-throttle-scripts.js';

export interface LoginThrottleConfig {
  /** Failures per (account, address) before delays start. */
  freeFailures: number;
  /** The first delay; each further failure doubles it. */
  delayBaseMs: number;
  /** The longest delay. */
  delayMaxMs: number;
  /** How long a pair's failures are remembered after its last attempt. */
  pairMemoryMs: number;
  /** Window of the per-address and per-account counters. */
  windowMs: number;
  /** Failed logins per address per window, across all accounts. */
  maxPerAddress: number;
  /** Failed logins per account per window, across all addresses; past it only known addresses get through. */
  maxPerAccount: number;
}

/** How long a successful address stays "known" to an account, and how many are kept. */
const KNOWN_ADDRESS_MS = 30 * 86_400_000;
const KNOWN_ADDRESSES_KEPT = 20;

export interface LoginAttempt {
  /** The password was right: forget this pair's failures and remember the address. */
  succeeded(): Promise<void>;
}

const digest = (value: string): string => createHash('sha256').update(value).digest('base64url').slice(0, 32);

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly config: LoginThrottleConfig,
    private readonly clock: () => number = Date.now,
  ) {
    if (config.pairMemoryMs < config.delayMaxMs) throw new RangeError('login throttle: pairMemoryMs must be at least delayMaxMs');
  }

  /**
   * Admits one login attempt for `email` (normalised) from `address`, counting it as a failure
   * until `succeeded()` is called; throws TooManyRequestsError (429 with Retry-After) when it must wait.
   */
  async admit(email: string, address: string): Promise<LoginAttempt> {
    const account = digest(email);
    const addressId = digest(address);
    const keys = loginThrottleKeys(this.keyPrefix, { pair: digest(`${account}\n${addressId}`), address: addressId, account });
    const c = this.config;
    const reply = (await runScript(this.redis, ADMIT, keys, [
      this.clock(),
      c.freeFailures,
      c.delayBaseMs,
      c.delayMaxMs,
      c.pairMemoryMs,
      c.windowMs,
      c.maxPerAddress,
      c.maxPerAccount,
      addressId,
      KNOWN_ADDRESS_MS,
    ])) as [number, number, string?];
    if (reply[0] !== 1) {
      // One message for every reason: which limit was hit would hint at how the account is used.
      throw new TooManyRequestsError('too many failed logins; try again later', Math.max(1, Math.ceil(Number(reply[1]) / 1000)));
    }
    return {
      succeeded: async () => {
        await runScript(this.redis, SUCCEED, keys, [this.clock(), addressId, KNOWN_ADDRESS_MS, KNOWN_ADDRESSES_KEPT]);
      },
    };
  }
}
