/**
 * CPU time spent by the processes that take part in a run, read from /proc/<pid>/stat (Linux):
 * the worker children, every `postgres` process, `redis-server`, and the bench itself. Postgres
 * and Redis are shared with other tenants, so their figures are an upper bound for the bench.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Sample {
  byPid: Map<number, { comm: string; ticks: number }>;
}

function readStat(pid: number): { comm: string; ticks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds one process has used so far (0 when it is gone). */
export function processCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : (readStat(pid)?.ticks ?? 0) / TICKS_PER_SECOND;
}

function sample(): Sample {
  const byPid = new Map<number, { comm: string; ticks: number }>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return { byPid };
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) byPid.set(Number(entry), stat);
  }
  return { byPid };
}

export interface CpuSplit {
  /** Seconds of CPU, by participant. */
  workers: number;
  postgres: number;
  redis: number;
  bench: number;
}

/** Starts counting; `stop()` returns the CPU seconds each participant used since. */
export function measureCpu(workerPids: () => number[]): { stop: () => CpuSplit } {
  const before = sample();
  return {
    stop() {
      const after = sample();
      const used = (pid: number): number => {
        const end = after.byPid.get(pid)?.ticks ?? 0;
        const start = before.byPid.get(pid)?.ticks ?? 0;
        return Math.max(0, end - start) / TICKS_PER_SECOND;
      };
      const sum = (match: (comm: string, pid: number) => boolean): number =>
        [...after.byPid].filter(([pid, s]) => match(s.comm, pid)).reduce((total, [pid]) => total + used(pid), 0);
      const workers = new Set(workerPids());
      return {
        workers: sum((_, pid) => workers.has(pid)),
        postgres: sum((comm) => comm === 'postgres' || comm.startsWith('postgres:')),
        redis: sum((comm) => comm.startsWith('redis-server')),
        bench: used(process.pid),
      };
    },
  };
}
