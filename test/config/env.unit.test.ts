import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors/config-error.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).to.equal(3000);
    expect(env.ARBITRATOR_PORT).to.equal(3001);
    expect(env.WORKER_METRICS_PORT).to.equal(9464);
    expect(env.QUEUE_PREFIX).to.equal('{zekka}');
    expect(env.DATABASE_URL).to.equal(undefined);
    expect(env.WORKER_QUEUES).to.equal('*');
    expect(env.FILE_LOCK_LEASE_MS).to.equal(5_000);
    expect(env.FILE_LOCK_WAIT_MS).to.equal(30_000);
    expect(env.USER_SPEND_CAP_USD).to.equal(100);
  });

  it('USER_SPEND_CAP_USD: dollars (0 allowed) or none; anything else is named', () => {
    expect(parseEnv({ USER_SPEND_CAP_USD: 'none' }).USER_SPEND_CAP_USD).to.equal('none');
    expect(parseEnv({ USER_SPEND_CAP_USD: '0' }).USER_SPEND_CAP_USD).to.equal(0);
    expect(parseEnv({ USER_SPEND_CAP_USD: '12.5' }).USER_SPEND_CAP_USD).to.equal(12.5);
    for (const bad of ['unlimited', '-1', '1.0000001']) {
      expect(() => parseEnv({ USER_SPEND_CAP_USD: bad }), bad).to.throw(ConfigError, /USER_SPEND_CAP_USD=/);
    }
  });

  it('AGENT_FAIR_SHARE (default on) and AGENT_MAX_ACTIVE_PER_PROJECT (default 0: no bound)', () => {
    expect(parseEnv({}).AGENT_FAIR_SHARE).to.equal(true);
    expect(parseEnv({ AGENT_FAIR_SHARE: 'false' }).AGENT_FAIR_SHARE).to.equal(false);
    expect(parseEnv({}).AGENT_MAX_ACTIVE_PER_PROJECT).to.equal(0);
    expect(parseEnv({ AGENT_MAX_ACTIVE_PER_PROJECT: '40' }).AGENT_MAX_ACTIVE_PER_PROJECT).to.equal(40);
    expect(() => parseEnv({ AGENT_FAIR_SHARE: 'yes' })).to.throw(ConfigError, /AGENT_FAIR_SHARE/);
    for (const bad of ['-1', '2.5', 'many']) expect(() => parseEnv({ AGENT_MAX_ACTIVE_PER_PROJECT: bad }), bad).to.throw(ConfigError, /AGENT_MAX_ACTIVE_PER_PROJECT/);
  });

  it('names the variable at fault and what it expects', () => {
    const error = (() => {
      try {
        parseEnv({ PORT: 'abc', REDIS_URL: 'http://x', QUEUE_PREFIX: 'a:b' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).to.match(/^PORT="abc": /m);
    expect(problems).to.match(/^REDIS_URL=/m);
    expect(problems).to.match(/^QUEUE_PREFIX="a:b": must not contain ":"/m);
  });

  it('never echoes secrets or URL credentials', () => {
    const problems = (() => {
      try {
        parseEnv({ JWT_SECRET: 'short', DATABASE_URL: 'mysql://user:hunter2@db/x' });
        return '';
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
    })();
    expect(problems).to.contain('JWT_SECRET=(value hidden)');
    expect(problems).to.contain('DATABASE_URL="mysql://***@db/x"');
    expect(problems).to.not.contain('hunter2');
  });

  it('refuses a provider key that is not 32 bytes when the process starts, without echoing it', () => {
    const long = Buffer.alloc(64, 7).toString('base64');
    const problems = (() => {
      try {
        parseEnv({ PROVIDER_KEYS_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')},k0:${long}` });
        return '';
      } catch (e) {
        return (e as ConfigError).problems.join('\n');
      }
    })();
    expect(problems).to.match(/^PROVIDER_KEYS_ENCRYPTION_KEY=\(value hidden\): each key must be exactly 32 bytes/m);
    expect(problems).to.not.contain(long);
    expect(parseEnv({ PROVIDER_KEYS_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}` }).PROVIDER_KEYS_ENCRYPTION_KEY).to.match(/^k1:/);
  });

  it('listens on every address unless LISTEN_ADDRESS says otherwise', () => {
    expect(parseEnv({}).LISTEN_ADDRESS).to.equal('0.0.0.0');
    expect(parseEnv({ LISTEN_ADDRESS: '127.0.0.1' }).LISTEN_ADDRESS).to.equal('127.0.0.1');
    expect(parseEnv({ LISTEN_ADDRESS: '::1' }).LISTEN_ADDRESS).to.equal('::1');
    expect(() => parseEnv({ LISTEN_ADDRESS: 'http://0.0.0.0' })).to.throw(ConfigError, /LISTEN_ADDRESS="http:\/\/0.0.0.0": an address or host name/);
  });

  it('has no built-in JWT secret in any mode (src/config/jwt-secret.ts decides who may run without one)', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) expect(parseEnv({ NODE_ENV }).JWT_SECRET).to.equal(undefined);
  });
});

describe('worker queue selection', () => {
  it('matches queue globs and per-queue concurrency overrides', async () => {
    const { matchQueues, parseQueueConcurrency } = await import('../../workers/worker-pool.js');
    expect(matchQueues('*')).to.have.length(68);
    expect(matchQueues('agent.*').every((q) => q.kind === 'agent')).to.equal(true);
    expect(matchQueues('agent.component-*,stage.*').map((q) => q.name)).to.include.members(['agent.component-generator', 'stage.05-frontend']);
    expect(() => matchQueues('nothing.*')).to.throw(/matches none of the 68 queues/);
    const concurrency = parseQueueConcurrency('agent.frontend-*=5, stage.*=20');
    expect(concurrency('stage.03-database')).to.equal(20);
    expect(concurrency('agent.route-creator')).to.equal(undefined);
    expect(() => parseEnv({ QUEUE_CONCURRENCY: 'stage.*=x' })).to.throw(ConfigError, /QUEUE_CONCURRENCY/);
  });
});
