/**
 * A PostgreSQL 15 server of a test's own on a loopback port (data under /var/tmp), so a test can
 * stop it (an outage) without touching the shared server every other test uses. The tests run as
 * root and PostgreSQL refuses to, so initdb and pg_ctl run as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { migrateDatabase } from './environment.js';
import { freePort } from './worker-process.js';

const run = promisify(execFile);
const BIN = process.env.TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  port: number;
  /** postgresql://postgres@127.0.0.1:<port>/zekka, migrated. */
  url: string;
  /** `pg_ctl stop -m immediate`: every backend is killed at once, as in a crash. */
  stop(): Promise<void>;
  /** Starts the server again on the same port and data (crash recovery runs first). */
  start(): Promise<void>;
  /** Stops the server and deletes its data. */
  destroy(): Promise<void>;
}

async function asPostgres(command: string, args: string[]): Promise<string> {
  const { stdout } = await run('setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', `${BIN}/${command}`, ...args], { timeout: 60_000 });
  return stdout;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = await mkdtemp('/var/tmp/zekka-test-pg-');
  await chmod(dir, 0o777);
  const data = `${dir}/data`;
  const log = `${dir}/server.log`;
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  // Sockets in the data folder (not /var/run/postgresql, which the shared server owns); no fsync: a test server.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = () => asPostgres('pg_ctl', ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', options]).then(() => undefined);
  await start();
  const url = `postgresql://postgres@127.0.0.1:${port}/zekka`;
  await asPostgres('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'zekka']);
  await migrateDatabase(url);
  const stop = async () => {
    await asPostgres('pg_ctl', ['stop', '-w', '-m', 'immediate', '-D', data]).catch(() => undefined);
  };
  return {
    port,
    url,
    stop,
    start,
    async destroy() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
