import { expect } from 'chai';
import { apiOptionsFromEnv } from '../../src/api/api-options.js';
import { parseEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors/config-error.js';

const SECRET = { JWT_SECRET: 'f3a9c1d7e5b2084a6c9e1f3b5d7a9c2e4f6a8b0d' };

function problemsOf(env: Record<string, string>): string {
  try {
    parseEnv({ ...SECRET, ...env });
    return '';
  } catch (e) {
    expect(e).to.be.instanceOf(ConfigError);
    return (e as ConfigError).problems.join('\n');
  }
}

describe('configuration: login throttling', () => {
  it('defaults to growing delays per (account, address), with ceilings per address and per account', () => {
    expect(apiOptionsFromEnv(parseEnv(SECRET)).loginThrottle).to.deep.equal({
      freeFailures: 5,
      delayBaseMs: 1_000,
      delayMaxMs: 900_000,
      pairMemoryMs: 86_400_000,
      windowMs: 900_000,
      maxPerAddress: 50,
      maxPerAccount: 100,
    });
  });

  it('refuses a pair memory shorter than the longest delay (waiting it out would reset the pair), naming the variable', () => {
    expect(problemsOf({ RATE_LIMIT_AUTH_DELAY_MAX_MS: '600000', RATE_LIMIT_AUTH_PAIR_MEMORY_MS: '60000' })).to.match(/^RATE_LIMIT_AUTH_PAIR_MEMORY_MS="60000": must be at least RATE_LIMIT_AUTH_DELAY_MAX_MS/m);
    expect(problemsOf({ RATE_LIMIT_AUTH_DELAY_BASE_MS: '5000', RATE_LIMIT_AUTH_DELAY_MAX_MS: '2000' })).to.match(/^RATE_LIMIT_AUTH_DELAY_BASE_MS="5000": must be at most/m);
    expect(problemsOf({ RATE_LIMIT_AUTH_FREE_FAILURES: '0' })).to.match(/^RATE_LIMIT_AUTH_FREE_FAILURES="0": /m);
  });
});
