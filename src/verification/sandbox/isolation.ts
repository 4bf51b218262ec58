/**
 * What isolation this host grants the sandbox, probed once per process. Containers often refuse
 * namespaces or cgroups; the sandbox then runs with what is left and every report says which
 * protections were in force, so an unisolated verification is never mistaken for an isolated one.
 *
 * - network: `unshare --net` (a private network namespace: no route anywhere, not even loopback)
 * - pid: `unshare --pid --mount-proc` (the command sees only its own processes; when its first
 *   process dies the kernel kills the rest)
 * - filesystem: `unshare --mount` and a read-only remount of `/` with only the work directory
 *   writable and a private `/tmp` (needs the mount namespace)
 * - user: `setpriv` to an unprivileged uid/gid (65534, "nobody") with no supplementary groups
 * - cgroup: cgroup v1 `pids` and `memory` controllers writable (a process-count and a memory cap
 *   for the whole tree); without them `prlimit --nproc` and `--as` stand in
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

export interface Isolation {
  network: boolean;
  pid: boolean;
  filesystem: boolean;
  user: boolean;
  /** Mount points of the cgroup v1 controllers we may create groups in. */
  cgroup: { pids?: string; memory?: string };
  /** One line per protection that is missing, for the report. */
  missing: string[];
}

export const SANDBOX_UID = 65_534;

function succeeds(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 5_000, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
  return result.status === 0;
}

function writableController(name: string): string | undefined {
  const path = `/sys/fs/cgroup/${name}`;
  if (!existsSync(`${path}/cgroup.procs`)) return undefined;
  try {
    accessSync(path, constants.W_OK);
    return path;
  } catch {
    return undefined;
  }
}

export function probeIsolation(): Isolation {
  const isRoot = process.getuid?.() === 0;
  const network = succeeds('unshare', ['--net', 'true']);
  const pid = succeeds('unshare', ['--fork', '--pid', '--mount-proc', 'true']);
  const filesystem = succeeds('unshare', ['--mount', 'sh', '-c', 'mount --make-rprivate / && mount -t tmpfs tmpfs /tmp']);
  const user = isRoot && succeeds('setpriv', [`--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', 'true']);
  const cgroup = isRoot ? { pids: writableController('pids'), memory: writableController('memory') } : {};
  const missing: string[] = [];
  if (!network) missing.push('network not cut (no network namespace)');
  if (!pid) missing.push('processes not confined (no pid namespace)');
  if (!filesystem) missing.push('filesystem not read-only outside the work directory (no mount namespace)');
  if (!user) missing.push('runs as the worker user, not an unprivileged one');
  if (!cgroup.pids) missing.push('process count capped per user (prlimit), not per sandbox (no pids cgroup)');
  if (!cgroup.memory) missing.push('memory capped by address space (prlimit), not by cgroup');
  return { network, pid, filesystem, user, cgroup, missing };
}

let cached: Isolation | undefined;

/** The host's isolation, probed on first use. */
export function hostIsolation(): Isolation {
  cached ??= probeIsolation();
  return cached;
}
