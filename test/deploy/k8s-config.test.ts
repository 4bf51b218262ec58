/**
 * deploy/k8s/configmap.yaml is the environment of every pod: it must parse with the same schema the
 * processes use, and it must trust the Ingress in front of the API for client addresses, or every
 * client shares one rate-limit bucket. Every Deployment that runs a Zekka process has a
 * PodDisruptionBudget of its own that lets a node drain proceed, and every autoscaler scales a
 * Deployment that exists and leaves it no fixed replica count to fight over.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
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

interface Manifest {
  kind: string;
  metadata: { name: string; namespace?: string };
  /** Absent on some kinds (a ConfigMap, a Namespace); every kind this test reads has one. */
  spec: Record<string, unknown>;
  file: string;
}

async function manifests(): Promise<Manifest[]> {
  const dir = join(ROOT, 'deploy/k8s');
  const found: Manifest[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), 'utf8'))) {
      const value = doc.toJS() as Manifest | null;
      if (value?.kind) found.push({ ...value, spec: value.spec ?? {}, file });
    }
  }
  return found;
}

type Labels = Record<string, string>;

const podLabels = (deployment: Manifest): Labels => ((deployment.spec.template as { metadata: { labels: Labels } }).metadata.labels);
const selects = (selector: Labels, labels: Labels): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
const runsZekka = (deployment: Manifest): boolean =>
  ((deployment.spec.template as { spec: { containers: { args?: string[] }[] } }).spec.containers).some((c) => (c.args ?? []).includes('bin/zekka.js'));

/** The fewest replicas a Deployment runs: its fixed count, or the smallest minimum any autoscaler of it allows. */
function smallestSize(deployment: Manifest, all: Manifest[]): number {
  const minimums = all.flatMap((m) => {
    const target = (m.spec.scaleTargetRef as { name?: string } | undefined)?.name;
    if (target !== deployment.metadata.name) return [];
    if (m.kind === 'HorizontalPodAutoscaler') return [Number(m.spec.minReplicas ?? 1)];
    if (m.kind === 'ScaledObject') return [Number(m.spec.minReplicaCount ?? 0)];
    return [];
  });
  return minimums.length > 0 ? Math.min(...minimums) : Number(deployment.spec.replicas ?? 1);
}

describe('deploy: disruption budgets and autoscaling', () => {
  it('each Zekka Deployment has one PodDisruptionBudget of its own that keeps a pod serving and still lets a drain proceed', async () => {
    const all = await manifests();
    const deployments = all.filter((m) => m.kind === 'Deployment' && runsZekka(m));
    const budgets = all.filter((m) => m.kind === 'PodDisruptionBudget');
    expect(deployments.map((d) => d.metadata.name)).to.include.members(['zekka-api', 'zekka-worker', 'zekka-arbitrator']);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const mine = budgets.filter((b) => selects((b.spec.selector as { matchLabels: Labels }).matchLabels, podLabels(deployment)));
      expect(mine.map((b) => b.metadata.name), `budgets selecting ${name}'s pods`).to.have.length(1);
      const budget = mine[0]!;
      expect(budget.metadata.namespace, `${budget.metadata.name}: namespace`).to.equal(deployment.metadata.namespace);
      const others = deployments.filter((d) => d !== deployment && selects((budget.spec.selector as { matchLabels: Labels }).matchLabels, podLabels(d)));
      expect(others.map((d) => d.metadata.name), `${budget.metadata.name} also selects`).to.deep.equal([]);
      const size = smallestSize(deployment, all);
      // How many pods one voluntary disruption may take down at the Deployment's smallest size.
      const evictable = budget.spec.maxUnavailable !== undefined ? Number(budget.spec.maxUnavailable) : size - Number(budget.spec.minAvailable);
      expect(Number.isInteger(evictable), `${budget.metadata.name}: give whole pods, not percentages`).to.equal(true);
      expect(evictable, `${budget.metadata.name}: at ${size} replicas a drain could never evict a pod`).to.be.at.least(1);
      expect(size - evictable, `${budget.metadata.name}: at ${size} replicas a drain could take every pod`).to.be.at.least(1);
    }
  });

  it('every autoscaler scales a Deployment that exists and has no fixed replica count', async () => {
    const all = await manifests();
    const scalers = all.filter((m) => m.kind === 'HorizontalPodAutoscaler' || m.kind === 'ScaledObject');
    expect(scalers.map((s) => `${s.kind}/${s.metadata.name}`)).to.include.members(['HorizontalPodAutoscaler/zekka-worker', 'ScaledObject/zekka-worker']);
    for (const scaler of scalers) {
      const target = (scaler.spec.scaleTargetRef as { name: string }).name;
      const deployment = all.find((m) => m.kind === 'Deployment' && m.metadata.name === target);
      expect(deployment, `${scaler.file}: ${scaler.kind} ${scaler.metadata.name} scales ${target}`).to.not.equal(undefined);
      // kubectl apply would reset the autoscaler's count to a fixed one on every deploy.
      expect(deployment?.spec.replicas, `${target} has a fixed replica count and an autoscaler`).to.equal(undefined);
    }
  });
});
