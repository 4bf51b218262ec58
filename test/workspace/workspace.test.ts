import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { checkAgentPaths, checkWorkspacePath, UnsafePathError } from '../../src/engine/workspace/workspace-paths.js';
import { FileLocks, LockBusyError } from '../../src/engine/workspace/file-locks.js';
import { ArtifactStore } from '../../src/engine/workspace/artifact-store.js';
import { StaleLockError } from '../../src/errors/app-error.js';
import { createRedis } from '../../src/redis/connection.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { silentLogger, testDatabaseUrl, testNamespace, testRedisUrl } from '../support/environment.js';

describe('workspace paths', () => {
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:/x', 'a\\..\\x', 'a\u0000b', '', 'a//b', './a', '~/x']) {
    it(`refuses ${JSON.stringify(bad)}`, () => expect(() => checkWorkspacePath(bad)).to.throw(UnsafePathError));
  }
  it('accepts plain relative paths and enforces the allowed globs', () => {
    expect(checkWorkspacePath('src/server/app.ts')).to.equal('src/server/app.ts');
    expect(() => checkAgentPaths(['docs/a.md'], ['docs/**'])).to.not.throw();
    expect(() => checkAgentPaths(['src/a.ts'], ['docs/**'])).to.throw(UnsafePathError, /outside this agent's allowed paths/);
    expect(() => checkAgentPaths(['docs/a.md', 'docs/a.md'], ['docs/**'])).to.throw(UnsafePathError, /appears twice/);
  });
  it('never accepts a path that could leave the workspace (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', '..', '.', '', 'b\\c', '/', 'x\u0000'), { minLength: 1, maxLength: 6 }), (parts) => {
        const path = parts.join('/');
        let accepted = true;
        try {
          checkWorkspacePath(path);
        } catch {
          accepted = false;
        }
        if (accepted) expect(path.split('/')).to.not.include('..');
        if (accepted) expect(path.startsWith('/')).to.equal(false);
      }),
    );
  });
});

describe('file locks and the artifact store', () => {
  const redis = createRedis({ url: testRedisUrl(), name: 'zekka:test:locks' });
  let database: Database;
  const projectId = randomUUID();
  before(async () => {
    database = await openDatabase({ databaseUrl: testDatabaseUrl(), dataDir: 'unused', allowEmbedded: false, migrate: false, logger: silentLogger });
    const owner = await database.prisma.user.create({ data: { email: `locks-${projectId}@test.local`, passwordHash: 'x' } });
    await database.prisma.project.create({ data: { id: projectId, ownerId: owner.id, name: 'locks', requirements: 'a test project', budgetMicros: 1n } });
  });
  after(async () => {
    await redis.quit();
    await database.close();
  });

  it('gives a file to one owner at a time, with growing fencing tokens and an owner-checked release', async () => {
    const locks = new FileLocks({ redis, namespace: testNamespace(), leaseMs: 5_000, waitMs: 50 });
    const first = await locks.acquire(projectId, 'a.txt', 'job-1');
    const error = await locks.acquire(projectId, 'a.txt', 'job-2').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(LockBusyError);
    expect(await locks.release(projectId, { ...first, owner: 'job-2' }), 'another owner cannot release').to.equal(false);
    // The same owner (a retried job) takes it back at once, with a newer token.
    const again = await locks.acquire(projectId, 'a.txt', 'job-1');
    expect(again.token).to.be.greaterThan(first.token);
    expect(await locks.release(projectId, first), 'the stale token cannot release').to.equal(false);
    expect(await locks.release(projectId, again)).to.equal(true);
    const next = await locks.acquire(projectId, 'a.txt', 'job-2');
    expect(next.token).to.be.greaterThan(again.token);
    await locks.release(projectId, next);
  });

  it('lets a lease expire so a crashed holder cannot keep a file', async () => {
    const locks = new FileLocks({ redis, namespace: testNamespace(), leaseMs: 100, waitMs: 2_000 });
    await locks.acquire(projectId, 'b.txt', 'crashed-job');
    const taken = await locks.acquire(projectId, 'b.txt', 'job-3');
    expect(taken.owner).to.equal('job-3');
  });

  it('refuses a write carrying a stale fencing token, and reports a moved file', async () => {
    const store = new ArtifactStore(database.prisma);
    const base = { projectId, path: 'c.txt', author: 'agent-a', stage: 1 };
    expect(await store.write({ ...base, content: 'one', baseVersion: null, fenceToken: 10 })).to.deep.equal({ kind: 'written', version: 1 });
    expect(await store.write({ ...base, content: 'two', baseVersion: 1, fenceToken: 12 })).to.deep.equal({ kind: 'written', version: 2 });
    const stale = await store.write({ ...base, author: 'agent-b', content: 'zombie', baseVersion: 2, fenceToken: 11 }).catch((e: unknown) => e);
    expect(stale).to.be.instanceOf(StaleLockError);
    const moved = await store.write({ ...base, author: 'agent-c', content: 'late', baseVersion: 1, fenceToken: 13 });
    expect(moved).to.deep.equal({ kind: 'moved', currentVersion: 2, currentContent: 'two' });
    expect(await store.write({ ...base, content: 'two', baseVersion: 1, fenceToken: 14 }), 'a retried write is a no-op').to.deep.equal({ kind: 'unchanged', version: 2 });
  });

  it("records an agent's run as completed in the statement that writes its files, only when none clashed", async () => {
    const store = new ArtifactStore(database.prisma, database.sql);
    const stageRun = await database.prisma.stageRun.create({ data: { projectId, stage: 2 } });
    const run = (instanceKey: string) =>
      database.prisma.agentRun.create({ data: { projectId, stageRunId: stageRun.id, agentId: 'api-designer', instanceKey, jobId: `job-${instanceKey}`, status: 'running' } });
    const [clean, clashing] = [await run('writer.clean'), await run('writer.clashing')];
    const completion = (agentRunId: string) => ({ agentRunId, durationMs: 12, provider: 'offline', model: 'offline-1', inputTokens: 3, outputTokens: 4, switches: [] });
    const batch = (author: string, agentRunId: string, baseVersion: number | null) => ({
      projectId,
      author,
      agentRunId,
      stage: 2,
      files: [{ path: 'e.txt', content: `by ${author}`, baseVersion, fenceToken: 100 }],
    });

    const first = await store.writeAndComplete(batch('writer.clean', clean.id, null), completion(clean.id));
    expect(first).to.deep.equal({ outcomes: [{ kind: 'written', version: 1 }], completed: true });
    expect(await database.prisma.agentRun.findUniqueOrThrow({ where: { id: clean.id } })).to.include({ status: 'completed', durationMs: 12, model: 'offline-1', inputTokens: 3, outputTokens: 4 });

    // A new file that another agent created meanwhile: a code conflict, and the run is left for the caller to complete.
    const second = await store.writeAndComplete(batch('writer.clashing', clashing.id, null), completion(clashing.id));
    expect(second).to.deep.equal({ outcomes: [{ kind: 'moved', currentVersion: 1, currentContent: 'by writer.clean' }], completed: false });
    expect(await database.prisma.agentRun.findUniqueOrThrow({ where: { id: clashing.id } })).to.include({ status: 'running', durationMs: null, model: null });
  });

  it('lists the files others changed since an instance last wrote (what a repair looks at again)', async () => {
    const store = new ArtifactStore(database.prisma);
    // Writes a few milliseconds apart: versions are ordered by their (millisecond) timestamps.
    const write = async (path: string, author: string, content: string, baseVersion: number | null) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return store.write({ projectId, path, author, stage: 4, content, baseVersion, fenceToken: 100 });
    };
    expect(await store.changedSince(projectId, ['route-creator']), 'never wrote: nothing').to.deep.equal([]);
    await write('since/before.ts', 'other', 'older', null);
    await write('since/mine.ts', 'route-creator', 'mine', null);
    await write('since/after.ts', 'other', 'newer', null);
    await write('since/mine.ts', 'route-creator.r1-repair-1', 'my repair', 1);
    expect(await store.changedSince(projectId, ['route-creator'])).to.deep.equal(['since/after.ts', 'since/mine.ts']);
    expect(await store.changedSince(projectId, ['route-creator.r1-repair-1', 'route-creator'])).to.deep.equal([]);
  });
});
