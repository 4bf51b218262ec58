import { expect } from 'chai';
import { parseEnv } from '../../src/config/env.js';
import { describeRedisTarget, parseHostList, redisTarget } from '../../src/config/redis-env.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { loginThrottleKeys } from '../../src/redis/keys.js';

function problemsOf(source: NodeJS.ProcessEnv): string {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
}

describe('configuration: where Redis is', () => {
  it('defaults to the single node on 127.0.0.1:6379', () => {
    expect(redisTarget(parseEnv({}))).to.deep.equal({ kind: 'single', url: 'redis://127.0.0.1:6379', username: undefined, password: undefined, tls: false });
  });

  it('REDIS_URL: one node; rediss:// means TLS; REDIS_PASSWORD fills a URL without one', () => {
    expect(redisTarget(parseEnv({ REDIS_URL: 'rediss://cache:6380', REDIS_PASSWORD: 'pw' }))).to.include({ kind: 'single', url: 'rediss://cache:6380', tls: true, password: 'pw' });
  });

  it('REDIS_SENTINELS + REDIS_SENTINEL_NAME: the master group behind the sentinels, with their own credentials and TLS', () => {
    const target = redisTarget(
      parseEnv({ REDIS_SENTINELS: 'redis-0:26379, redis-1:26379,[::1]:26380', REDIS_SENTINEL_NAME: 'zekka', REDIS_PASSWORD: 'pw', REDIS_SENTINEL_PASSWORD: 'spw', REDIS_TLS: 'true' }),
    );
    expect(target).to.deep.include({
      kind: 'sentinel',
      name: 'zekka',
      sentinels: [
        { host: 'redis-0', port: 26379 },
        { host: 'redis-1', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      password: 'pw',
      sentinelPassword: 'spw',
      tls: true,
      sentinelTls: true,
    });
    expect(describeRedisTarget(target)).to.equal('sentinel master "zekka" via redis-0:26379,redis-1:26379,[::1]:26380');
  });

  it('REDIS_CLUSTER_NODES: the cluster reached through any of its nodes', () => {
    expect(redisTarget(parseEnv({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000', REDIS_USERNAME: 'zekka', REDIS_PASSWORD: 'pw' }))).to.deep.include({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7000 },
      ],
      username: 'zekka',
    });
  });

  it('refuses two topologies at once, naming each variable', () => {
    const problems = problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000', REDIS_SENTINELS: 'c:26379', REDIS_SENTINEL_NAME: 'm' });
    for (const name of ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES']) expect(problems).to.match(new RegExp(`^${name}=.*set only one of`, 'm'));
  });

  it('refuses incomplete or contradictory settings with a message that names the variable', () => {
    expect(problemsOf({ REDIS_SENTINELS: 'a:26379' })).to.match(/^REDIS_SENTINEL_NAME is missing: the master group name/m);
    expect(problemsOf({ REDIS_SENTINEL_NAME: 'm' })).to.match(/^REDIS_SENTINEL_NAME="m": only means something with REDIS_SENTINELS/m);
    expect(problemsOf({ REDIS_SENTINEL_PASSWORD: 'x' })).to.match(/^REDIS_SENTINEL_PASSWORD=\(value hidden\): only means/m);
    expect(problemsOf({ REDIS_URL: 'redis://u:p@a:6379', REDIS_PASSWORD: 'q' })).to.match(/^REDIS_PASSWORD=\(value hidden\): REDIS_URL already has a password/m);
    expect(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_TLS: 'true' })).to.match(/^REDIS_TLS="true": REDIS_URL is redis:\/\//m);
    expect(problemsOf({ REDIS_TLS: 'yes' })).to.match(/^REDIS_TLS="yes": must be true or false/m);
    for (const bad of ['a', 'a:', ':6379', 'a:0', 'a:65536', 'a:63x', '::1:6379', 'a:1,,b:2', 'a b:1']) {
      expect(problemsOf({ REDIS_CLUSTER_NODES: bad }), bad).to.match(/^REDIS_CLUSTER_NODES=.*comma-separated list of host:port/m);
    }
  });

  it('parses host lists by scanning (IPv6 in brackets)', () => {
    expect(parseHostList('[fe80::1]:7000')).to.deep.equal([{ host: 'fe80::1', port: 7000 }]);
    expect(parseHostList('fe80::1:7000')).to.equal(undefined);
  });

  it('every login-throttle key of one attempt shares one cluster hash tag', () => {
    const keys = loginThrottleKeys('zekka:ratelimit', { pair: 'p', address: 'a', account: 'c' });
    const tags = keys.map((key) => key.slice(key.indexOf('{') + 1, key.indexOf('}')));
    expect(new Set(tags)).to.deep.equal(new Set(['login']));
  });
});
