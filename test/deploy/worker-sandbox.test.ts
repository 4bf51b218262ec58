/**
 * deploy/k8s/worker-sandbox.yaml: the pool that runs model-written code is locked down, and the
 * regular workers no longer run it. Parsed as Kubernetes would read it (every document).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { QUEUES, VERIFY_QUEUE } from '../../queues/job-catalog.js';
import { matchQueues } from '../../workers/worker-pool.js';

const ROOT = join(import.meta.dirname, '..', '..');

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- manifests are untyped YAML */
async function documents(file: string): Promise<any[]> {
  const parsed = parseAllDocuments(await readFile(join(ROOT, 'deploy/k8s', file), 'utf8'));
  for (const document of parsed) expect(document.errors, file).to.deep.equal([]);
  return parsed.map((document) => document.toJS());
}

const envOf = (container: any): Record<string, string> => Object.fromEntries((container.env ?? []).map((entry: any) => [entry.name, entry.value]));

describe('deploy: the sandbox worker pool', () => {
  it('serves only verify, with no service-account token, a read-only root, writable volumes outside /tmp for its work and cache, and resource limits', async () => {
    const deployment = (await documents('worker-sandbox.yaml')).find((d) => d.kind === 'Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    const env = envOf(container);
    expect(matchQueues(env.WORKER_QUEUES ?? '*').map((q) => q.name)).to.deep.equal([VERIFY_QUEUE]);
    expect(pod.automountServiceAccountToken).to.equal(false);
    expect(container.securityContext.readOnlyRootFilesystem).to.equal(true);
    expect(container.securityContext.capabilities.drop).to.deep.equal(['ALL']);
    const mounts = new Map(container.volumeMounts.map((m: any) => [m.mountPath, m.name]));
    for (const variable of ['VERIFY_WORK_DIR', 'VERIFY_CACHE_DIR']) {
      const path = env[variable] ?? '';
      expect(path, variable).to.match(/^\/(?!tmp\/)/);
      const volume = pod.volumes.find((v: any) => v.name === mounts.get(path));
      expect(volume?.emptyDir, `${variable} on a writable emptyDir`).to.be.an('object');
    }
    expect(container.resources.limits).to.include.keys('cpu', 'memory', 'ephemeral-storage');
    // The restricted runtime class is documented as optional (a cluster without it would refuse the pod).
    const text = await readFile(join(ROOT, 'deploy/k8s/worker-sandbox.yaml'), 'utf8');
    expect(text).to.match(/# runtimeClassName: gvisor/);
  });

  it('its NetworkPolicy allows egress only to DNS, Redis (and its sentinels), PostgreSQL and the package registry', async () => {
    const policy = (await documents('worker-sandbox.yaml')).find((d) => d.kind === 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).to.equal('worker-sandbox');
    expect(policy.spec.policyTypes).to.include('Egress');
    const ports = policy.spec.egress.map((rule: any) => rule.ports.map((p: any) => p.port).sort((a: number, b: number) => a - b));
    // Redis: the data port and the sentinels' (the processes find the master through them).
    expect(ports).to.deep.equal([[53, 53], [6379, 26379], [5432], [3141, 4873]]);
    for (const rule of policy.spec.egress) expect(rule.to, 'every egress rule names its destination').to.be.an('array').with.length.greaterThan(0);
  });

  it('the regular workers no longer serve verify, and the two pools together serve every queue', async () => {
    const worker = (await documents('worker.yaml')).find((d) => d.kind === 'Deployment');
    const regular = matchQueues(envOf(worker.spec.template.spec.containers[0]).WORKER_QUEUES ?? '*').map((q) => q.name);
    expect(regular).not.to.include(VERIFY_QUEUE);
    expect(new Set([...regular, VERIFY_QUEUE])).to.deep.equal(new Set(QUEUES.map((q) => q.name)));
  });
});
