/**
 * Every metric the deployment files and the README name must be one the processes really expose:
 * a KEDA trigger or an HPA on a metric nobody exports scales on nothing, silently. Starts the real
 * `zekka api` and `zekka worker` (which also serves the arbitration queue, so its /metrics carries
 * the arbitrator's counters), reads their /metrics, and compares.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { expect } from 'chai';
import { parse } from 'yaml';
import { QUEUES } from '../../queues/job-catalog.js';
import { parsePrometheusText, type Family } from '../api/prometheus-text.js';
import { testNamespace, testRedisUrl } from '../support/environment.js';
import { waitFor } from '../support/wait-for.js';
import { startApiProcess, startWorkerProcess, type ZekkaProcess } from '../support/worker-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
const METRIC = /\bzekka_[a-z][a-z0-9_]*/g;
/** `zekka_x{state="waiting"}` (PromQL) or `zekka_x{queue,state}` (the README's label lists). */
const SELECTOR = /\b(zekka_[a-z][a-z0-9_]*)\{([^{}]*)\}/g;

interface Reference {
  file: string;
  name: string;
  labels: string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
}

async function references(): Promise<Reference[]> {
  const files = [...(await filesUnder('deploy')), 'docker-compose.yml', 'README.md'];
  const found: Reference[] = [];
  for (const file of files) {
    const text = await readFile(join(ROOT, file), 'utf8');
    for (const [name] of text.matchAll(METRIC)) found.push({ file, name, labels: [] });
    for (const [, name = '', body = ''] of text.matchAll(SELECTOR)) {
      const labels = body.split(',').map((part) => /^\s*([a-z_]\w*)/i.exec(part)?.[1]).filter((l): l is string => l !== undefined);
      found.push({ file, name, labels });
    }
  }
  return found;
}

async function exposed(process: ZekkaProcess): Promise<Map<string, Family>> {
  const response = await fetch(`${process.url}/metrics`);
  expect(response.status, `${process.url}/metrics`).to.equal(200);
  return parsePrometheusText(await response.text());
}

describe('deploy: metric names', function () {
  this.timeout(180_000);
  let processes: ZekkaProcess[] = [];
  afterEach(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    processes = [];
  });

  it('every metric named in deploy/, docker-compose.yml and README.md is exposed on /metrics, with the labels used', async () => {
    const started = await Promise.allSettled([startApiProcess({ JWT_SECRET: 'zekka-metric-names-secret-0123456789abcdef' }), startWorkerProcess()]);
    processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of started) if (s.status === 'rejected') throw s.reason;

    const families = new Map<string, Family>();
    for (const process of processes) for (const [name, family] of await exposed(process)) families.set(name, families.get(name) ?? family);
    // A histogram is also queried through its series: _bucket, _sum, _count.
    const owner = (name: string): Family | undefined =>
      families.get(name) ?? ['_bucket', '_sum', '_count'].map((s) => (name.endsWith(s) ? families.get(name.slice(0, -s.length)) : undefined)).find((f) => f?.type === 'histogram');

    const refs = await references();
    expect(refs.filter((r) => r.file.startsWith('deploy/')).length, 'deploy/ names metrics (the KEDA trigger)').to.be.greaterThan(0);
    const missing = [...new Set(refs.filter((r) => !owner(r.name)).map((r) => `${r.name} (${r.file})`))];
    expect(missing, `named but not exposed by zekka api or zekka worker; exposed: ${[...families.keys()].filter((n) => n.startsWith('zekka_') && !n.startsWith('zekka_process_')).join(', ')}`).to.deep.equal([]);

    // Labels can be read off the samples; a family with none yet (a counter never incremented) is not checked.
    let checked = 0;
    for (const ref of refs.filter((r) => r.labels.length > 0)) {
      const samples = owner(ref.name)?.samples ?? [];
      if (samples.length === 0) continue;
      const labels = new Set(samples.flatMap((s) => Object.keys(s.labels)));
      for (const label of ref.labels) expect([...labels], `${ref.name}{${label}} in ${ref.file}`).to.include(label);
      checked += 1;
    }
    expect(checked, 'the label sets of the queue gauge were checked').to.be.greaterThan(0);
  });
});

/**
 * The KEDA trigger's query, evaluated as Prometheus would over the series scraped from each API
 * replica. Only the shape the file uses is understood, `sum(max by (L) (NAME{label=~"a|b"}))`;
 * another shape fails the test, so a changed query gets a changed check.
 */
function evaluateScalingQuery(query: string, replicas: Map<string, Family>[]): { value: number; states: string[] } {
  const shape = /^sum\(max by \(([\w, ]+)\) \((zekka_\w+)\{(\w+)=~"([\w|-]+)"\}\)\)$/.exec(query.trim());
  if (!shape) throw new Error(`worker-keda.yaml's query has a shape this test cannot evaluate: ${query}`);
  const [, byList = '', name = '', label = '', alternatives = ''] = shape;
  const by = byList.split(',').map((l) => l.trim());
  const wanted = new Set(alternatives.split('|'));
  const maxima = new Map<string, number>();
  for (const families of replicas) {
    for (const sample of families.get(name)?.samples ?? []) {
      if (!wanted.has(sample.labels[label] ?? '')) continue;
      const group = JSON.stringify(by.map((l) => sample.labels[l] ?? ''));
      maxima.set(group, Math.max(maxima.get(group) ?? -Infinity, sample.value));
    }
  }
  return { value: [...maxima.values()].reduce((a, b) => a + b, 0), states: [...wanted] };
}

describe('deploy: the worker autoscaler’s metric', function () {
  this.timeout(180_000);
  let processes: ZekkaProcess[] = [];
  const queues: Queue[] = [];
  afterEach(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    processes = [];
    await Promise.all(queues.splice(0).map((q) => q.close()));
  });

  it('KEDA’s query over two API replicas counts exactly the jobs ready to run, once each', async () => {
    // A prefix of this test's own: no worker of any other test takes these jobs.
    const prefix = `{${testNamespace()}-keda}`;
    const keda = parse(await readFile(join(ROOT, 'deploy/k8s/worker-keda.yaml'), 'utf8')) as { spec: { triggers: { type: string; metadata: { query: string; threshold: string } }[] } };
    const trigger = keda.spec.triggers.find((t) => t.type === 'prometheus');
    expect(trigger, 'a prometheus trigger').to.not.equal(undefined);
    expect(Number(trigger?.metadata.threshold)).to.be.greaterThan(0);

    const [agentQueue, stageQueue] = [QUEUES.find((q) => q.kind === 'agent'), QUEUES.find((q) => q.kind === 'stage')];
    const connection = { url: testRedisUrl(), maxRetriesPerRequest: null };
    const agents = new Queue(agentQueue?.name ?? '', { connection, prefix });
    const stages = new Queue(stageQueue?.name ?? '', { connection, prefix });
    queues.push(agents, stages);
    // Ready to run: 3 waiting agents, 1 prioritized agent, 2 waiting stages. Not ready: 1 delayed agent.
    await agents.addBulk([1, 2, 3].map((n) => ({ name: 'run-agent', data: { n } })));
    await agents.add('run-agent', { n: 4 }, { priority: 5 });
    await agents.add('run-agent', { n: 5 }, { delay: 3_600_000 });
    await stages.addBulk([1, 2].map((n) => ({ name: 'run-stage', data: { n } })));

    const started = await Promise.allSettled([startApiProcess({ QUEUE_PREFIX: prefix }), startApiProcess({ QUEUE_PREFIX: prefix })]);
    processes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const s of started) if (s.status === 'rejected') throw s.reason;

    let states: string[] = [];
    await waitFor('the scaling query to count the 6 jobs ready to run', async (note) => {
      const scraped = await Promise.all(processes.map(exposed));
      const result = evaluateScalingQuery(trigger?.metadata.query ?? '', scraped);
      states = result.states;
      return note(result.value) === 6;
    });
    // The states the query picks are ones the gauge really reports (a misspelt state matches nothing, silently).
    const reported = new Set((await exposed(processes[0]!)).get('zekka_queue_jobs')?.samples.map((s) => s.labels.state));
    for (const state of states) expect([...reported], `state "${state}" of the KEDA query`).to.include(state);
  });
});
