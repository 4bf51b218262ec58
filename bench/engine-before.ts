/**
 * The engine's cost per agent job before the ledger stopped updating the project's row (issue
 * #16, item 5), kept as constants so `npm run bench:engine` prints them beside today's run. Each
 * figure comes with raw BullMQ measured in the same run: compare the ratios, not the absolute
 * figures, since other sessions load these 2-core machines and move both.
 */
import type { LoadFigures } from './baseline.js';
import { ms } from './measure.js';

export interface CostFigures {
  /** CPU per agent job in the 50-at-once run, ms: everything, then node (workers + bench), PostgreSQL, Redis. */
  cpuMs: number;
  nodeMs: number;
  pgMs: number;
  redisMs: number;
  /** p50 latency of a 55-agent project, one at a time. */
  p50Ms: number;
}

export interface Before {
  label: string;
  raw: CostFigures;
  oneWorker: CostFigures;
  twoWorkers: CostFigures;
}

const cost = (cpuMs: number, nodeMs: number, pgMs: number, redisMs: number, p50Ms: number): CostFigures => ({ cpuMs, nodeMs, pgMs, redisMs, p50Ms });

export const BEFORE: Before[] = [
  {
    // The figures issue #16 states (a quieter machine); the split is given for one worker only.
    label: 'issue #16 (main before 2026-12-06)',
    raw: cost(0.5, Number.NaN, Number.NaN, Number.NaN, 41),
    oneWorker: cost(7.4, 3.9, 2.5, 1.0, 375),
    twoWorkers: cost(Number.NaN, Number.NaN, Number.NaN, Number.NaN, 604),
  },
  {
    // `npm run bench:engine` on main@8900a0b, 2026-12-06 13:05 UTC, load average 8.8 → 10.9 on 2 cores.
    label: 'main@8900a0b, 2026-12-06, load 9-11',
    raw: cost(0.5, 0.3, 0, 0.2, 92),
    oneWorker: cost(6.5, 3.2, 2.3, 1.0, 864),
    twoWorkers: cost(7.7, 4.2, 2.5, 1.0, 1439),
  },
  {
    // `npm run bench:engine -- --no-profile` on main@7f3d126 (with the context, planning and api-perf
    // merges, whose token counting adds node CPU per agent), 2026-12-06 14:20 UTC, load average 5.0 → 5.8.
    label: 'main@7f3d126, 2026-12-06, load 5-6',
    raw: cost(0.6, 0.3, 0, 0.3, 73),
    oneWorker: cost(10.5, 6.2, 2.7, 1.6, 837),
    twoWorkers: cost(9.4, 5.9, 2.4, 1.1, 990),
  },
];

/** Round trips per agent job in the in-process profile (`--profile-only`) on main@8900a0b, 2026-12-06: counts, not timings, so load does not move them. */
export const BEFORE_PROFILE_LINE = 'before (main@8900a0b, 2026-12-06): 55 agent jobs: 4.3 SQL statements and 11.6 Redis commands per job (evalsha seq 3.1, locks 2.3, get 2.0, budget 2.0, cap 2.0)';

/** CPU per agent job of a run, split as the bench prints it. */
export function costOf(f: LoadFigures): CostFigures {
  const jobs = f.concurrentProjects * f.agentsPerProject;
  const per = (seconds: number) => (seconds * 1000) / jobs;
  const { workers, postgres, redis, bench } = f.cpu;
  return { cpuMs: per(workers + postgres + redis + bench), nodeMs: per(workers + bench), pgMs: per(postgres), redisMs: per(redis), p50Ms: f.p50 };
}

const fixed = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
const times = (n: number, base: number) => (Number.isNaN(n) ? '' : ` ×${(n / base).toFixed(1)}`);

function line(label: string, c: CostFigures, raw: CostFigures): string {
  const cpu = `${fixed(c.cpuMs)} ms${times(c.cpuMs, raw.cpuMs)}`.padEnd(16);
  const split = `node ${fixed(c.nodeMs)}, pg ${fixed(c.pgMs)}, redis ${fixed(c.redisMs)}`.padEnd(32);
  return `    ${label.padEnd(20)}${cpu}${split}p50 ${ms(c.p50Ms)}${times(c.p50Ms, raw.p50Ms)}`;
}

/** Before and now, each with its ratios to raw BullMQ measured in its own run. */
export function beforeAndNow(now: { raw: LoadFigures; oneWorker: LoadFigures; twoWorkers: LoadFigures }): string[] {
  const lines: string[] = ['  CPU per agent job (×raw BullMQ of the same run) and 55-agent project p50 (×raw): before, then this run'];
  const runs: Before[] = [...BEFORE, { label: 'this run', raw: costOf(now.raw), oneWorker: costOf(now.oneWorker), twoWorkers: costOf(now.twoWorkers) }];
  for (const run of runs) {
    lines.push(`  ${run.label}`);
    lines.push(line('raw BullMQ', run.raw, run.raw));
    lines.push(line('engine, 1 worker', run.oneWorker, run.raw));
    lines.push(line('engine, 2 workers', run.twoWorkers, run.raw));
  }
  return lines;
}
