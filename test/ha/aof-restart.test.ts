// A single Redis with AOF (appendfsync everysec) crashes (SIGKILL) in the middle of several
// projects and comes back on the same port from its append-only file: the workers, the API and
// the arbitrator reconnect by themselves and every project completes with an undisturbed run's files.
import { expect } from 'chai';
import type { Harness } from '../support/engine-harness.js';
import type { ZekkaProcess } from '../support/worker-process.js';
import { startAofServer, type AofTopology } from './support/redis-topology.js';
import { expectSameAsReference, runThroughOutage } from './support/outage-scenario.js';

describe('ha: Redis restarted from its AOF', function () {
  this.timeout(420_000);
  let topology: AofTopology | undefined;
  const cleanup: { harness?: Harness; processes: ZekkaProcess[] } = { processes: [] };

  after(async () => {
    await Promise.all(cleanup.processes.map((p) => p.stop('SIGKILL')));
    await cleanup.harness?.close().catch((error: unknown) => console.log(`      harness close: ${String(error)}`));
    await topology?.stop();
  });

  it('crashes and restarts mid-run: every project completes', async () => {
    const server = (topology = await startAofServer());
    const result = await runThroughOutage({ topology: server, projects: 3, disrupt: () => server.crashAndRestart(1_000) }, cleanup);
    expectSameAsReference(result);
    expect(result.allEndedMs, 'recovery within the design RTO of 5 minutes').to.be.below(300_000);
    expect(result.logs).not.to.match(/unhandled|TypeError/i);
  });
});
