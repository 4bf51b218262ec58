import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import sinon from 'sinon';
import { parseAgentOutput } from '../../src/agents/output.js';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { selectAgents } from '../../src/agents/selection.js';
import { OfflineProvider, estimateTokens } from '../../src/offline-model/offline-provider.js';
import type { CompletionRequest } from '../../src/models/provider.js';
import { taskFor } from './simulate.js';

const REQUIREMENTS = readFileSync('examples/todo-app.md', 'utf8');
const ANALYSIS = analyzeRequest(REQUIREMENTS);

function request(agentId: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
  const instance = selectAgents(ANALYSIS).find((candidate) => candidate.agentId === agentId);
  if (!instance) throw new Error(`${agentId} is not selected for the example`);
  return { model: 'offline-1', system: [{ text: 'You are a test.' }], prompt: [{ text: 'Build it.' }], maxOutputTokens: 8192, task: taskFor(REQUIREMENTS, ANALYSIS, instance), ...extra };
}

describe('offline model: provider', () => {
  let clock: sinon.SinonFakeTimers | undefined;
  afterEach(() => {
    clock?.restore();
    clock = undefined;
  });

  it('answers deterministically in the output contract, with estimated usage', async () => {
    const provider = new OfflineProvider();
    const first = await provider.complete(request('requirements-parser'));
    const second = await new OfflineProvider().complete(request('requirements-parser'));
    expect(first.text).to.equal(second.text);
    expect(provider.name).to.equal('offline');
    expect(first).to.deep.include({ model: 'offline-1', provider: 'offline', stopReason: 'end' });
    expect(first.usage).to.deep.equal({ inputTokens: Math.ceil('You are a test.Build it.'.length / 4), outputTokens: Math.ceil(first.text.length / 4) });
    expect(estimateTokens('12345')).to.equal(2);
    const output = parseAgentOutput(first.text);
    expect(output.files.map((file) => file.path)).to.deep.equal(['docs/requirements/requirements.md', 'docs/plan.json']);
    expect(output.files[0]?.content).to.include('Team Todo').and.include('**Task** (core)').and.include('sendgrid');
    const other = await provider.complete(request('risk-analyzer'));
    expect(other.text).to.not.equal(first.text);
  });

  it('waits latencyMs before answering', async () => {
    clock = sinon.useFakeTimers();
    const provider = new OfflineProvider({ latencyMs: 500 });
    let settled = false;
    const answer = provider.complete(request('scope-validator')).finally(() => {
      settled = true;
    });
    await clock.tickAsync(499);
    expect(settled).to.equal(false);
    await clock.tickAsync(1);
    expect((await answer).stopReason).to.equal('end');
    expect(settled).to.equal(true);
    expect(clock.countTimers()).to.equal(0);
  });

  it('stops waiting when the request is aborted, and refuses an aborted request', async () => {
    clock = sinon.useFakeTimers();
    const provider = new OfflineProvider({ latencyMs: 10_000 });
    const controller = new AbortController();
    const answer = provider.complete(request('scope-validator', { signal: controller.signal }));
    await clock.tickAsync(100);
    controller.abort(new Error('cancelled by the test'));
    let caught: unknown;
    await answer.catch((error: unknown) => {
      caught = error;
    });
    expect(caught).to.be.instanceOf(Error).with.property('message', 'cancelled by the test');
    expect(clock.countTimers(), 'the latency timer is cleared').to.equal(0);
    let refused: unknown;
    await new OfflineProvider().complete(request('scope-validator', { signal: AbortSignal.abort() })).catch((error: unknown) => {
      refused = error;
    });
    expect(refused).to.have.property('name', 'AbortError');
  });

  it('refuses a negative latency', () => {
    expect(() => new OfflineProvider({ latencyMs: -1 })).to.throw(RangeError);
  });
});
