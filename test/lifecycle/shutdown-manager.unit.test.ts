import { expect } from 'chai';
import sinon from 'sinon';
import { ShutdownManager } from '../../src/lifecycle/shutdown-manager.js';
import { createLogger } from '../../src/logging/logger.js';

const silentLogger = createLogger({ silent: true });

describe('shutdown manager', () => {
  it('runs named handlers once, in registration order, even when one fails', async () => {
    const order: string[] = [];
    const manager = new ShutdownManager({ logger: silentLogger });
    manager.register('http', () => void order.push('http'));
    manager.register('workers', () => Promise.reject(new Error('stuck')));
    manager.register('redis', () => void order.push('redis'));
    const first = manager.shutdown();
    const second = manager.shutdown();
    expect(second, 'one shutdown, however often asked').to.equal(first);
    expect(await first.then(() => 'ok', (e: Error) => e.message)).to.equal('one or more shutdown steps failed');
    expect(order).to.deep.equal(['http', 'redis']);
  });

  it('gives up at the deadline', async () => {
    const clock = sinon.useFakeTimers();
    try {
      const manager = new ShutdownManager({ logger: silentLogger, deadlineMs: 1_000 });
      manager.register('hangs', () => new Promise(() => undefined));
      const done = manager.shutdown().then(
        () => 'finished',
        (e: Error) => e.message,
      );
      await clock.tickAsync(1_001);
      expect(await done).to.equal('shutdown did not finish within 1000 ms');
    } finally {
      clock.restore();
    }
  });

  it('exits on the first signal after shutdown, and forces exit on a second', async () => {
    const exits: number[] = [];
    let release: () => void = () => undefined;
    const manager = new ShutdownManager({ logger: silentLogger, onExit: (code) => exits.push(code) });
    manager.register('slow', () => new Promise<void>((resolve) => (release = resolve)));
    manager.listen(['SIGUSR2']);
    process.emit('SIGUSR2', 'SIGUSR2');
    process.emit('SIGUSR2', 'SIGUSR2');
    expect(exits).to.deep.equal([130]);
    release();
    await manager.shutdown();
    await new Promise((r) => setImmediate(r));
    expect(exits).to.deep.equal([130, 0]);
  });
});
