// Redis behind Sentinel loses its master in the middle of several projects: the sentinels promote
// the replica, and the API, the workers and the arbitrator (real processes, REDIS_SENTINELS) find
// it by themselves. Every project completes with the files of an undisturbed run, and no agent's
// model call is charged twice (the ledger's entries per agent match the undisturbed run's).
import { expect } from 'chai';
import type { Harness } from '../support/engine-harness.js';
import { waitFor } from '../support/wait-for.js';
import type { ZekkaProcess } from '../support/worker-process.js';
import { killServer, startSentinelGroup, type SentinelTopology } from './support/redis-topology.js';
import { expectSameAsReference, runThroughOutage } from './support/outage-scenario.js';

describe('ha: Sentinel failover', function () {
  this.timeout(420_000);
  let topology: SentinelTopology | undefined;
  const cleanup: { harness?: Harness; processes: ZekkaProcess[] } = { processes: [] };

  after(async () => {
    await Promise.all(cleanup.processes.map((p) => p.stop('SIGKILL')));
    await cleanup.harness?.close().catch((error: unknown) => console.log(`      harness close: ${String(error)}`));
    await topology?.stop();
  });

  it('the master is killed mid-run: the replica is promoted and every project completes as if nothing happened', async () => {
    const group = (topology = await startSentinelGroup());
    let promotedMs = 0;
    const result = await runThroughOutage(
      {
        topology: group,
        projects: 3,
        disrupt: async () => {
          const killedAt = Date.now();
          await killServer(group.master);
          await waitFor('the sentinels to promote the replica', async (note) => note(await group.currentMasterPort()) === group.replica.port, { timeoutMs: 60_000, intervalMs: 100 });
          promotedMs = Date.now() - killedAt;
          console.log(`      sentinels promoted the replica ${(promotedMs / 1000).toFixed(1)} s after the master was killed`);
        },
      },
      cleanup,
    );
    expect(promotedMs).to.be.greaterThan(0);
    expectSameAsReference(result);
    expect(result.allEndedMs, 'recovery within the design RTO of 5 minutes').to.be.below(300_000);
    expect(result.logs).not.to.match(/unhandled|TypeError|READONLY/i);
  });
});
