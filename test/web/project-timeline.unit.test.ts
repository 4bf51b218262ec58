/**
 * The dashboard's live view as a fold over project events (web/src/live/project-timeline.ts):
 * each seq counts once (a replay after a reconnect changes nothing), stages and agents follow
 * their events, spend is a series of (time, spent, budget), and the REST agent list only fills
 * in agents no event described.
 */
import { expect } from 'chai';
import type { EventType, ProjectEvent } from '../../src/engine/events/event-schema.js';
import { agentsDone, applyEvent, initialState, withAgentRuns, type LiveState } from '../../web/src/live/project-timeline.js';

const projectId = '6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11';

function events(...list: [EventType, Record<string, unknown>?][]): ProjectEvent[] {
  return list.map(([type, data = {}], i) => ({ type, projectId, seq: i + 1, at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), data }));
}

const fold = (list: ProjectEvent[], from: LiveState = initialState()) => list.reduce(applyEvent, from);

const run = events(
  ['project.created', { name: 'x' }],
  ['project.started', { runId: 'r1' }],
  ['stage.started', { stage: 1, name: 'Requirements Analysis', agents: 2 }],
  ['agent.started', { stage: 1, agentId: 'requirements-parser', instanceKey: 'requirements-parser', attempt: 1 }],
  ['agent.started', { stage: 1, agentId: 'scope-validator', instanceKey: 'scope-validator', attempt: 1 }],
  ['cost.updated', { spentMicros: '1500', budgetMicros: '10000000', reservedMicros: '0' }],
  ['agent.completed', { stage: 1, agentId: 'requirements-parser', instanceKey: 'requirements-parser', model: 'offline-standard' }],
  ['agent.retrying', { stage: 1, agentId: 'scope-validator', instanceKey: 'scope-validator' }],
  ['conflict.detected', { conflictId: 'c1', path: 'docs/a.md' }],
  ['conflict.resolved', { conflictId: 'c1', path: 'docs/a.md', strategy: 'three-way-merge' }],
  ['cost.updated', { spentMicros: '4000', budgetMicros: '10000000', reservedMicros: '0' }],
);

describe('web: the live project view folded from events', () => {
  it('starts with the ten stages pending', () => {
    const state = initialState();
    expect(state.stages.map((s) => s.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(state.stages.every((s) => s.status === 'pending' && s.agents.length === 0)).to.equal(true);
  });

  it('follows stages, agents, spend and conflicts, and announces the latest change', () => {
    const state = fold(run);
    expect(state.lastSeq).to.equal(run.length);
    expect(state.status).to.equal('running');
    const stage1 = state.stages[0];
    expect(stage1).to.include({ status: 'running', planned: 2 });
    expect(stage1?.agents.map((a) => [a.instanceKey, a.status, a.model])).to.deep.equal([
      ['requirements-parser', 'completed', 'offline-standard'],
      ['scope-validator', 'retrying', undefined],
    ]);
    expect(agentsDone(stage1!)).to.equal(1);
    expect(state.spend).to.deep.equal([
      { at: Date.parse(run[5]!.at), spentUsd: 0.0015, budgetUsd: 10 },
      { at: Date.parse(run[10]!.at), spentUsd: 0.004, budgetUsd: 10 },
    ]);
    expect(state.conflictEvents).to.equal(2);
    expect(state.announcement).to.equal('Conflict on docs/a.md resolved (three-way-merge)');
  });

  it('counts each seq once: replaying what it holds changes nothing', () => {
    const once = fold(run);
    const replayed = fold(run.slice(3), once);
    expect(replayed).to.equal(once);
  });

  it('ends the project and the stage, and asks for a new file list, on completion', () => {
    const done = fold(
      events(
        ['stage.started', { stage: 10, name: 'Quality Assurance', agents: 1 }],
        ['agent.completed', { stage: 10, agentId: 'code-review-agent', instanceKey: 'code-review-agent' }],
        ['stage.completed', { stage: 10, agents: 1, succeeded: 1, failed: [], conflicts: 0 }],
        ['project.completed', {}],
      ),
    );
    expect(done.stages[9]?.status).to.equal('completed');
    expect(done.status).to.equal('completed');
    expect(done.filesRevision).to.equal(2);
    expect(done.announcement).to.equal('Project completed');
  });

  it('takes agents from the REST list only where no event described them', () => {
    const live = fold(run.slice(0, 4)); // requirements-parser running, per its event
    const merged = withAgentRuns(live, [
      { stage: 1, agentId: 'requirements-parser', instanceKey: 'requirements-parser', status: 'pending', model: null },
      { stage: 2, agentId: 'system-architect', instanceKey: 'system-architect', status: 'completed', model: 'offline-premium' },
    ]);
    expect(merged.stages[0]?.agents.map((a) => a.status)).to.deep.equal(['running']);
    expect(merged.stages[1]?.agents.map((a) => [a.instanceKey, a.status, a.model])).to.deep.equal([['system-architect', 'completed', 'offline-premium']]);
  });

  it('ignores events for stages that do not exist and costs without amounts', () => {
    const state = fold(events(['stage.started', { stage: 11 }], ['cost.updated', { spentMicros: 'lots' }]));
    expect(state.stages.every((s) => s.status === 'pending')).to.equal(true);
    expect(state.spend).to.deep.equal([]);
    expect(state.lastSeq).to.equal(2);
  });
});

describe('web: the verification in the live view', () => {
  const verified = events(
    ['project.started', { runId: 'r1' }],
    ['verification.started', { round: 0 }],
    [
      'verification.finished',
      {
        round: 0,
        status: 'failed',
        profile: 'node-typescript',
        summary: 'tests failed: 1 of 5',
        repairs: 1,
        commands: [
          { phase: 'install', label: 'npm ci', passed: true, skipped: false, exitCode: 0, durationMs: 10 },
          { phase: 'test', label: 'vitest run', passed: false, skipped: false, exitCode: 1, durationMs: 20, tests: { passed: 4, failed: 1, skipped: 0 } },
        ],
      },
    ],
    ['repair.started', { round: 1, agents: [{ instanceKey: 'unit-test-creator.todo.repair-1', files: ['test/todo.test.ts'] }] }],
  );

  it('follows a round from running to its result and the repairs it added, bumping the report revision once per round', () => {
    const running = fold(verified.slice(0, 2));
    expect(running.verification).to.deep.include({ round: 0, status: 'running', repairing: 0 });
    expect(running.verificationRevision).to.equal(0);
    const repaired = fold(verified);
    expect(repaired.verification).to.deep.include({ round: 0, status: 'failed', profile: 'node-typescript', summary: 'tests failed: 1 of 5', repairing: 1 });
    expect(repaired.verification?.commands).to.deep.equal([
      { label: 'npm ci', passed: true, skipped: false, tests: null },
      { label: 'vitest run', passed: false, skipped: false, tests: { passed: 4, failed: 1, skipped: 0 } },
    ]);
    expect(repaired.verificationRevision).to.equal(1);
    expect(repaired.announcement).to.equal('Repair round 1: 1 agent repairing');
    expect(fold(verified, repaired)).to.equal(repaired);
  });

  it('learns the verification_failed status, and completed again when a person accepts', () => {
    const failed = fold(events(...verified.map((e): [EventType, Record<string, unknown>] => [e.type, e.data]), ['project.verification_failed', { verification: { status: 'failed', round: 1 } }]));
    expect(failed.status).to.equal('verification_failed');
    expect(failed.announcement).to.equal('The software did not pass its own checks: accept it, or resume to repair it again');
    const accepted = applyEvent(failed, { type: 'project.completed', projectId, seq: failed.lastSeq + 1, at: new Date().toISOString(), data: { acceptedUnverified: true } });
    expect(accepted.status).to.equal('completed');
  });
});
