import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { createLogger, withCorrelation } from '../../src/logging/logger.js';

describe('logger', () => {
  it('writes JSON lines that carry the correlation id of the work they belong to', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter((l) => l !== '')));
    const logger = createLogger({ service: 'test', stream });
    logger.info('outside');
    await withCorrelation('job-42', async () => {
      await Promise.resolve();
      logger.warn('inside', { extra: 1 });
    });
    await new Promise((resolve) => setImmediate(resolve));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).to.have.length(2);
    expect(parsed[0]).to.include({ message: 'outside', service: 'test', level: 'info' });
    expect(parsed[0]).to.not.have.property('correlationId');
    expect(parsed[1]).to.include({ message: 'inside', correlationId: 'job-42', extra: 1 });
    expect(parsed[1]?.timestamp).to.be.a('string');
  });
});
