/**
 * Runs one command of model-written software where it can do no harm. Code a model wrote is
 * untrusted input: it never runs in a Zekka process, only here, in a child process tree that
 *
 * - sees a scrubbed environment (only what the caller passes, never the worker's: no secrets,
 *   provider keys, database or Redis URLs);
 * - works in its own directory, the only writable place (the rest of `/` is remounted read-only
 *   in a private mount namespace, `/tmp` is a private tmpfs), as an unprivileged user;
 * - has no network at all when `network` is false (a private network namespace, no loopback);
 * - sees only its own processes (pid namespace) and is capped in CPU time, file size, memory and
 *   process count (cgroup v1 where writable, `prlimit` otherwise);
 * - is killed, every process of it, at the wall-time limit;
 * - has its output capped (the tail is kept).
 *
 * Which protections were in force is in every result (`isolation`): a host that refuses
 * namespaces or cgroups still verifies, and says plainly what was missing.
 *
 * Process shape: node → setpriv --pdeathsig KILL → sh (joins the cgroups, then execs) → unshare [--net] --pid --mount
 * --fork → sh (mounts, cd) → setpriv (drops to uid 65534) → prlimit → the command.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SandboxCgroup } from './cgroup.js';
import { hostIsolation, SANDBOX_UID, type Isolation } from './isolation.js';
import { OutputTail } from './output-tail.js';

export interface SandboxLimits {
  wallMs: number;
  cpuSeconds: number;
  memoryBytes: number;
  processes: number;
  fileSizeBytes: number;
  outputBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  wallMs: 300_000,
  cpuSeconds: 300,
  memoryBytes: 2 * 1024 ** 3,
  processes: 256,
  fileSizeBytes: 256 * 1024 ** 2,
  outputBytes: 64 * 1024,
};

export type SandboxLimitName = 'wall-time' | 'cpu-time' | 'memory' | 'processes' | 'file-size';

export interface SandboxCommand {
  argv: string[];
  /** Absolute path of the directory the command runs in and may write. */
  workDir: string;
  /** Network for this command (an install from the registry); build and test run without. */
  network: boolean;
  /** Extra variables; nothing else of the worker's environment reaches the command. */
  env?: Record<string, string>;
  /** Other absolute paths the command may write (a package cache during install). */
  writablePaths?: string[];
  limits?: Partial<SandboxLimits>;
}

export interface SandboxIsolationReport {
  network: 'cut' | 'allowed' | 'not-cut';
  unprivilegedUser: boolean;
  pidNamespace: boolean;
  readOnlyFilesystem: boolean;
  cgroupLimits: boolean;
  missing: string[];
}

export interface SandboxResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
  /** The limit the command ran into, when one stopped it. */
  limit?: SandboxLimitName;
  /** The kept tail of stdout and stderr, interleaved as written. */
  output: string;
  outputBytes: number;
  outputTruncated: boolean;
  peakMemoryBytes?: number;
  isolation: SandboxIsolationReport;
}

const SAFE_PATH = '/usr/local/bin:/usr/bin:/bin';

function quote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function isolationReport(host: Isolation, network: boolean, cgroupUsed: boolean): SandboxIsolationReport {
  return {
    network: network ? 'allowed' : host.network ? 'cut' : 'not-cut',
    unprivilegedUser: host.user,
    pidNamespace: host.pid,
    readOnlyFilesystem: host.filesystem,
    cgroupLimits: cgroupUsed,
    missing: host.missing.filter((line) => !(network && line.startsWith('network'))),
  };
}

/** The inner script: private mounts, then drop privileges and limits, then run the command ("$@"). */
function innerScript(command: SandboxCommand, host: Isolation, limits: SandboxLimits, cgroupUsed: boolean): string {
  const lines: string[] = ['set -e'];
  if (host.filesystem) {
    lines.push('mount --make-rprivate /');
    const writable = [command.workDir, ...(command.writablePaths ?? [])];
    for (const path of writable) lines.push(`mount --bind ${quote(path)} ${quote(path)}`);
    lines.push('mount -o remount,bind,ro /');
    // Every other mount too (a pod's emptyDirs, a shared package cache): read-only, no setuid, no
    // devices. /proc, /sys and /dev keep their own rules.
    lines.push(
      `awk '{print $5}' /proc/self/mountinfo | while read -r m; do case "$m" in /|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*|${writable.map(quote).join('|')}) ;; *) mount -o remount,bind,ro,nosuid,nodev "$m" 2>/dev/null || true ;; esac; done`,
    );
    lines.push('mount -t tmpfs -o size=256m,mode=1777 tmpfs /tmp');
    lines.push('mount -t tmpfs -o size=64m,mode=1777 tmpfs /dev/shm 2>/dev/null || true');
  }
  if (!command.network && host.network) {
    // The private namespace's own loopback (not the host's): tests that start an HTTP server and
    // call it (supertest) work, and nothing outside the namespace is reachable.
    lines.push('ip link set lo up 2>/dev/null || true');
  }
  // Enter the directory after the mounts, so the path resolves to the writable bind.
  lines.push(`cd ${quote(command.workDir)}`);
  const prlimit = [`prlimit`, `--core=0`, `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`, `--fsize=${limits.fileSizeBytes}`];
  if (!cgroupUsed || !host.cgroup.pids) prlimit.push(`--nproc=${limits.processes}`);
  // Without a memory cgroup the address space stands in; runtimes reserve far more than they use.
  if (!cgroupUsed || !host.cgroup.memory) prlimit.push(`--as=${Math.max(limits.memoryBytes * 4, 8 * 1024 ** 3)}`);
  // No capabilities, and none to gain: setuid binaries (mount, passwd …) get nothing either.
  const drop = host.user ? `setpriv --reuid=${SANDBOX_UID} --regid=${SANDBOX_UID} --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs ` : '';
  // Not exec: this shell stays the namespace's first process and turns a death by signal into
  // 128 + N, which is how a CPU-time or file-size kill is recognised.
  lines.push('set +e');
  lines.push(`${drop}${prlimit.join(' ')} -- "$@"`);
  lines.push('exit $?');
  return lines.join('\n');
}

/**
 * Hands a directory tree to the sandbox user, once: a tree whose root it already owns was handed
 * over before, and anything in it since was written by the sandbox user itself. The walk never
 * follows a symbolic link (a link planted by model code to /etc must not make root chown /etc) and
 * skips files with other hard links.
 */
async function chownTree(root: string): Promise<void> {
  const top = await lstat(root);
  if (top.uid === SANDBOX_UID) return;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const info = await lstat(path);
      if (info.isSymbolicLink()) {
        await lchown(path, SANDBOX_UID, SANDBOX_UID);
      } else if (info.isDirectory()) {
        await lchown(path, SANDBOX_UID, SANDBOX_UID);
        await walk(path);
      } else if (info.nlink === 1) {
        await lchown(path, SANDBOX_UID, SANDBOX_UID);
      }
    }
  };
  await walk(root);
  await lchown(root, SANDBOX_UID, SANDBOX_UID);
}

function limitFromExit(exitCode: number | null, signal: NodeJS.Signals | null): SandboxLimitName | undefined {
  // A shell reports a child's death by signal N as 128 + N: SIGXCPU is 24, SIGXFSZ 25.
  if (signal === 'SIGXCPU' || exitCode === 152) return 'cpu-time';
  if (signal === 'SIGXFSZ' || exitCode === 153) return 'file-size';
  return undefined;
}

/** Runs `command` in the sandbox and resolves when every process of it is gone. Never rejects for the command's own failures. */
export async function runSandboxed(command: SandboxCommand, host: Isolation = hostIsolation()): Promise<SandboxResult> {
  if (host.filesystem && [command.workDir, ...(command.writablePaths ?? [])].some((path) => path === '/tmp' || path.startsWith('/tmp/'))) {
    // The sandbox's private /tmp would hide it.
    throw new Error(`sandbox directories must live outside /tmp: ${command.workDir}`);
  }
  const limits = { ...DEFAULT_SANDBOX_LIMITS, ...command.limits };
  if (host.user) {
    for (const path of [command.workDir, ...(command.writablePaths ?? [])]) await chownTree(path);
  }
  const cgroup =
    host.cgroup.pids || host.cgroup.memory
      ? await SandboxCgroup.create(host.cgroup, randomUUID(), { processes: limits.processes, memoryBytes: limits.memoryBytes }).catch(() => undefined)
      : undefined;
  const unshare = ['unshare', '--fork', '--kill-child'];
  if (!command.network && host.network) unshare.push('--net');
  if (host.pid) unshare.push('--pid', '--mount-proc');
  if (host.filesystem) unshare.push('--mount');
  const joinCgroup = (cgroup?.procsFiles ?? []).map((file) => `echo $$ > ${quote(file)}`).join('; ');
  const outer = `${joinCgroup ? `${joinCgroup}; ` : ''}exec "$@"`;
  const inner = innerScript(command, host, limits, cgroup !== undefined);
  const argv = ['-c', outer, 'sh', ...(host.pid || host.network || host.filesystem ? unshare : []), 'sh', '-c', inner, 'sh', ...command.argv];
  const env = { PATH: SAFE_PATH, HOME: command.workDir, TMPDIR: host.filesystem ? '/tmp' : command.workDir, LANG: 'C.UTF-8', CI: 'true', ...command.env };

  const started = performance.now();
  const tail = new OutputTail(limits.outputBytes);
  // Dies with the worker: the wall-time timer lives in this process, so a worker killed outright
  // (SIGKILL, OOM) must take its sandbox along. PR_SET_PDEATHSIG survives the execs down to
  // unshare, whose --kill-child then ends the namespace's first process and with it the rest.
  const [file, args] = host.pid ? ['setpriv', ['--pdeathsig', 'KILL', 'sh', ...argv]] : ['sh', argv];
  const child = spawn(file, args, { cwd: command.workDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => tail.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
  let wallHit = false;
  const killTree = async (): Promise<void> => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is gone
    }
    await cgroup?.killAll();
  };
  const timer = setTimeout(() => {
    wallHit = true;
    void killTree();
  }, limits.wallMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('error', (error) => {
      tail.push(Buffer.from(`sandbox: ${error.message}\n`));
      resolve([null, null]);
    });
    child.once('close', (code, sig) => resolve([code, sig]));
  });
  clearTimeout(timer);
  // Anything the command left behind (a daemon that escaped the group's leader) goes now.
  await killTree();
  const usage = await cgroup?.usage();
  await cgroup?.remove();
  // The memory or process cap first: a fork bomb that also outlives its wall time was stopped by
  // its process cap, and that is what the report should name.
  const limit: SandboxLimitName | undefined = usage?.memoryLimitHit
    ? 'memory'
    : usage?.processLimitHit
      ? 'processes'
      : wallHit
        ? 'wall-time'
        : limitFromExit(exitCode, signal);
  return {
    exitCode,
    signal,
    durationMs: Math.round(performance.now() - started),
    limit,
    output: tail.text(),
    outputBytes: tail.total,
    outputTruncated: tail.truncated,
    peakMemoryBytes: usage?.peakMemoryBytes,
    isolation: isolationReport(host, command.network, cgroup !== undefined),
  };
}
