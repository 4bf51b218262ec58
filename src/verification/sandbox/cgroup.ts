/**
 * A cgroup v1 group per sandboxed command: `pids.max` caps the whole process tree (a fork bomb
 * stops at the cap instead of exhausting the host) and `memory.limit_in_bytes` (with swap, when
 * accounted) caps its memory; the kernel's OOM killer acts inside the group only. Every process of
 * the group is killed and the group removed when the command ends, so nothing it started survives.
 */
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CgroupLimits {
  processes: number;
  memoryBytes: number;
}

export interface CgroupUsage {
  /** The tree tried to exceed `pids.max`. */
  processLimitHit: boolean;
  /** The OOM killer acted in the group. */
  memoryLimitHit: boolean;
  peakMemoryBytes?: number;
}

async function readNumber(path: string): Promise<number | undefined> {
  try {
    const value = Number.parseInt((await readFile(path, 'utf8')).trim(), 10);
    return Number.isFinite(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readKeyed(path: string, key: string): Promise<number | undefined> {
  try {
    const line = (await readFile(path, 'utf8')).split('\n').find((entry) => entry.startsWith(`${key} `));
    return line ? Number.parseInt(line.slice(key.length + 1), 10) : undefined;
  } catch {
    return undefined;
  }
}

export class SandboxCgroup {
  private constructor(private readonly dirs: { pids?: string; memory?: string }) {}

  /** Creates the group under each available controller; `name` must be unique on the host. */
  static async create(controllers: { pids?: string; memory?: string }, name: string, limits: CgroupLimits): Promise<SandboxCgroup> {
    const dirs: { pids?: string; memory?: string } = {};
    if (controllers.pids) {
      dirs.pids = join(controllers.pids, 'zekka-sandbox', name);
      await mkdir(dirs.pids, { recursive: true });
      await writeFile(join(dirs.pids, 'pids.max'), String(limits.processes));
    }
    if (controllers.memory) {
      dirs.memory = join(controllers.memory, 'zekka-sandbox', name);
      await mkdir(dirs.memory, { recursive: true });
      await writeFile(join(dirs.memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // Swap would let the tree exceed the cap; the file exists only where swap is accounted.
      await writeFile(join(dirs.memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
    }
    return new SandboxCgroup(dirs);
  }

  /** The `cgroup.procs` files a process writes its pid into to join the group (before it execs). */
  get procsFiles(): string[] {
    return [this.dirs.pids, this.dirs.memory].filter((dir): dir is string => dir !== undefined).map((dir) => join(dir, 'cgroup.procs'));
  }

  async usage(): Promise<CgroupUsage> {
    const pidsEvents = this.dirs.pids ? await readKeyed(join(this.dirs.pids, 'pids.events'), 'max') : undefined;
    const oomKills = this.dirs.memory ? await readKeyed(join(this.dirs.memory, 'memory.oom_control'), 'oom_kill') : undefined;
    const failcnt = this.dirs.memory ? await readNumber(join(this.dirs.memory, 'memory.failcnt')) : undefined;
    const peak = this.dirs.memory ? await readNumber(join(this.dirs.memory, 'memory.max_usage_in_bytes')) : undefined;
    return {
      processLimitHit: (pidsEvents ?? 0) > 0,
      memoryLimitHit: (oomKills ?? 0) > 0 || ((failcnt ?? 0) > 0 && oomKills === undefined),
      peakMemoryBytes: peak,
    };
  }

  /** SIGKILLs every process still in the group, until it is empty (a forking tree may race the first pass). */
  async killAll(): Promise<void> {
    const procs = this.procsFiles[0];
    if (!procs) return;
    for (let pass = 0; pass < 50; pass++) {
      const pids = (await readFile(procs, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async remove(): Promise<void> {
    await this.killAll();
    for (const dir of [this.dirs.pids, this.dirs.memory]) {
      if (!dir) continue;
      // A group with a process still exiting refuses removal for a moment.
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          await rmdir(dir);
          break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    }
  }
}
