import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database.js';
import { silentLogger } from '../support/environment.js';
import { createHarness, type Harness } from '../support/engine-harness.js';

describe('engine on the embedded database (PGlite)', function () {
  this.timeout(180_000);
  let h: Harness | undefined;
  let dataDir = '';
  afterEach(async () => {
    await h?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('runs a project end to end with the same migrations and Prisma client', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'zekka-pglite-'));
    const database = await openDatabase({ dataDir, allowEmbedded: true, migrate: true, logger: silentLogger });
    expect(database.kind).to.equal('pglite');
    h = await createHarness({ database });
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.completed');
    expect(await h.deps.prisma.stageRun.count({ where: { projectId, status: 'completed' } })).to.equal(10);
    expect(await h.deps.prisma.conflict.count({ where: { projectId, status: 'resolved' } })).to.be.greaterThan(0);
  });
});
