import { expect } from 'chai';
import { waitFor, WaitTimeoutError } from './wait-for.js';

describe('test support: waitFor', () => {
  it('returns as soon as the check holds', async () => {
    let calls = 0;
    await waitFor('the third call', () => ++calls === 3, { intervalMs: 1 });
    expect(calls).to.equal(3);
  });

  it('fails at its deadline naming what it waited for and the last value it saw', async () => {
    let n = 0;
    const error = await waitFor('the counter to reach 1000', (note) => note(++n) >= 1000, { timeoutMs: 100, intervalMs: 10 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(WaitTimeoutError);
    expect((error as Error).message).to.equal(`waited 0.1 s for the counter to reach 1000 (last seen: ${n})`);
  });

  it('cuts off a check that is still running at the deadline', async () => {
    let release: () => void = () => undefined;
    const hanging = new Promise<boolean>((resolve) => (release = () => resolve(false)));
    const started = Date.now();
    const error = await waitFor('a reply that never comes', () => hanging, { timeoutMs: 100 }).catch((e: unknown) => e);
    release();
    expect(Date.now() - started).to.be.below(5_000);
    expect((error as Error).message).to.equal('waited 0.1 s for a reply that never comes; the last check was still running');
  });

  it('passes on an error the check throws, at once', async () => {
    const error = await waitFor('anything', () => Promise.reject(new Error('probe broke')), { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('probe broke');
  });
});
