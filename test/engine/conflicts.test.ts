import { expect } from 'chai';
import { resolveConflict } from '../../src/arbitration/conflict-review.js';
import { threeWayMerge } from '../../src/arbitration/three-way-merge.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { clashOnSharedServerFile } from '../support/clashing-edits.js';

describe('arbitration: 3-way merge', () => {
  it('merges edits to different lines and refuses overlapping ones', () => {
    const base = 'a\nb\nc\nd\ne';
    expect(threeWayMerge(base, 'A\nb\nc\nd\ne', 'a\nb\nc\nd\nE')).to.deep.equal({ clean: true, content: 'A\nb\nc\nd\nE' });
    const clash = threeWayMerge(base, 'a\nB1\nc\nd\ne', 'a\nB2\nc\nd\ne');
    expect(clash.clean).to.equal(false);
  });
});

describe('engine: conflicts between agents of one stage', function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(async () => h?.close());

  it('pauses the project in needs_review on an unmergeable edit, and finishes once a person answers', async () => {
    h = await createHarness({ reviewPollMs: 60_000 });
    // Two stage-4 agents rewrite the same line of the shared server file in different ways.
    h.provider.intercept = clashOnSharedServerFile;
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.needs_review');

    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.status).to.equal('needs_review');
    expect(project.failureReason).to.match(/^conflict on src\/server\/app\.ts: .* needs a person to resolve it$/);
    const waiting = await h.deps.prisma.conflict.findFirstOrThrow({ where: { projectId, status: 'needs_review' } });
    expect(waiting.type).to.equal('code');
    const stage4 = await h.deps.prisma.stageRun.findUniqueOrThrow({ where: { projectId_stage: { projectId, stage: 4 } } });
    expect(stage4.status, 'the stage waits for the conflict').to.equal('running');

    expect(await h.runToEnd(projectId, () => resolveConflict(h.deps, projectId, waiting.id, { take: 'theirs' }))).to.equal('project.completed');
    const settled = await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: waiting.id } });
    expect(settled.status).to.equal('resolved');
    expect(settled.strategy).to.equal('manual');
    const applied = await h.deps.prisma.artifactVersion.findFirstOrThrow({ where: { artifact: { projectId, path: 'src/server/app.ts' }, author: `arbitrator:manual:${waiting.id}` } });
    expect(applied.content).to.equal(waiting.theirs);
  });
});
