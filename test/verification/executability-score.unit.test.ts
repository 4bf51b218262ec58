// The 1–4 executability score of a verification report.
import { expect } from 'chai';
import { executabilityScore } from '../../src/verification/executability-score.js';
import type { CommandReport } from '../../src/verification/verify-workspace.js';

const command = (phase: CommandReport['phase'], passed: boolean, skipped = false): CommandReport => ({ phase, label: phase, exitCode: skipped ? null : passed ? 0 : 1, passed, skipped, durationMs: 1, outputTail: '' });

describe('executability score', () => {
  it('scores 4 when everything passes, 3 for failing tests, 2 for a failed build, 1 for a failed install', () => {
    expect(executabilityScore({ status: 'passed', profile: 'python', commands: [command('build', true), command('test', true)] })).to.equal(4);
    expect(executabilityScore({ status: 'failed', profile: 'python', commands: [command('build', true), command('test', false)] })).to.equal(3);
    expect(executabilityScore({ status: 'failed', profile: 'node-typescript', commands: [command('install', true), command('build', false), command('test', false, true)] })).to.equal(2);
    expect(executabilityScore({ status: 'failed', profile: 'node-typescript', commands: [command('install', false), command('build', false, true)] })).to.equal(1);
    expect(executabilityScore({ status: 'failed', profile: 'node-typescript', commands: [command('dependencies', false), command('install', false, true)] })).to.equal(1);
  });

  it('scores 1 when there is no profile or no manifest', () => {
    expect(executabilityScore({ status: 'unverifiable', profile: null, commands: [] })).to.equal(1);
    expect(executabilityScore({ status: 'failed', profile: 'node-typescript', commands: [] })).to.equal(1);
  });
});
