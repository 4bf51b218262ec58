/**
 * deploy/k8s/configmap.yaml is the environment of every pod: it must parse with the same schema the
 * processes use, and it must trust the Ingress in front of the API for client addresses, or every
 * client shares one rate-limit bucket.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { apiOptionsFromEnv } from '../../src/api/api-options.js';
import { parseEnv } from '../../src/config/env.js';
import { redisTarget } from '../../src/config/redis-env.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('deploy: Kubernetes configuration', () => {
  it('the ConfigMap parses with the environment schema and trusts exactly the one Ingress hop', async () => {
    const configMap = parse(await readFile(join(ROOT, 'deploy/k8s/configmap.yaml'), 'utf8')) as { data: Record<string, string> };
    const data = configMap.data;
    expect(data.TRUST_PROXY, 'TRUST_PROXY is set, or every client behind the Ingress shares one address').to.be.a('string').with.length.greaterThan(0);
    // The secrets come from zekka-secrets; stand-ins here.
    const env = parseEnv({ ...data, JWT_SECRET: 'k8s-config-test-secret-0123456789abcdef', DATABASE_URL: 'postgresql://zekka:x@db:5432/zekka', REDIS_PASSWORD: 'x', REDIS_SENTINEL_PASSWORD: 'y' });
    // Redis through the sentinels of deploy/k8s/redis.yaml, not a single endpoint.
    expect(redisTarget(env)).to.deep.include({ kind: 'sentinel', name: 'zekka' });
    // A hop count, not `true`: with `true` any client could name its own address in X-Forwarded-For.
    expect(apiOptionsFromEnv(env).trustProxy).to.equal(1);
  });
});
