// Which errors mean "PostgreSQL is unreachable": the shapes below are what Prisma 7 (through
// @prisma/adapter-pg), node-postgres and pg-pool threw when a test server was stopped with
// `pg_ctl stop -m immediate` (test/ha/postgres-restart.test.ts runs the real thing).
import { expect } from 'chai';
import { DatabaseUnavailableError, isDatabaseUnavailable, retryWhileDatabaseUnavailable } from '../../src/db/database-outage.js';
import { classify } from '../../src/api/middleware/error-handler.js';

function withFields(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const prismaUnreachable = withFields("Invalid `prisma.user.count()` invocation:\n\nCan't reach database server at 127.0.0.1:43141", {
  name: 'PrismaClientKnownRequestError',
  code: 'P1001',
  meta: { modelName: 'User', driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 43141 } } },
});
const startingUp = withFields('the database system is starting up', { code: '57P03', severity: 'FATAL' });
// Not caught in the act (start-up is brief): the adapter's mapping of a SQLSTATE (convertDriverError) as Prisma wraps it.
const adapterStartingUp = withFields('Invalid invocation: the database system is starting up', { code: 'P2010', meta: { driverAdapterError: { cause: { originalCode: '57P03', originalMessage: 'the database system is starting up' } } } });
const cutOff = new Error('Connection terminated unexpectedly');
const refused = withFields('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED', errno: -111, syscall: 'connect' });

describe('db: telling a database outage from other errors', () => {
  it('recognises what Prisma, node-postgres and pg-pool throw while the server is down or starting', () => {
    for (const error of [prismaUnreachable, startingUp, adapterStartingUp, cutOff, new DatabaseUnavailableError('down'), new Error('wrapped', { cause: cutOff })]) {
      expect(isDatabaseUnavailable(error), error.message).to.equal(true);
    }
    expect(isDatabaseUnavailable(new Error('Connection terminated due to connection timeout', { cause: new Error('timeout') }))).to.equal(true);
  });

  it('takes a bare socket error for the database only when it came from a PostgreSQL layer (Redis throws the same codes)', () => {
    expect(isDatabaseUnavailable(refused)).to.equal(false);
    expect(isDatabaseUnavailable(refused, true)).to.equal(true);
  });

  it('leaves every other database error alone', () => {
    const unique = withFields('duplicate key value violates unique constraint', { code: '23505', severity: 'ERROR' });
    const prismaUnique = withFields('Unique constraint failed', { code: 'P2002' });
    const syntax = withFields('syntax error at or near "SELEC"', { code: '42601', severity: 'ERROR' });
    for (const error of [unique, prismaUnique, syntax, new Error('Connection is closed.'), 'a string', undefined]) {
      expect(isDatabaseUnavailable(error, true), String(error)).to.equal(false);
    }
  });

  it('makes the API answer 503 database_unavailable with Retry-After, and still names Redis for a Redis outage', () => {
    for (const error of [prismaUnreachable, cutOff, new DatabaseUnavailableError('PostgreSQL is unreachable: connect ECONNREFUSED')]) {
      const classified = classify(error);
      expect(classified).to.include({ status: 503, code: 'database_unavailable' });
      expect(classified.headers).to.deep.equal({ 'Retry-After': '5' });
      expect(classified.detail).to.match(/PostgreSQL/);
    }
    const redis = classify(new Error("Stream isn't writeable and enableOfflineQueue options is false"));
    expect(redis).to.include({ status: 503, code: 'unavailable' });
    expect(redis.detail).to.match(/Redis/);
    expect(classify(withFields('Unique constraint failed', { code: 'P2002' }))).to.include({ status: 409 });
  });

  it('repeats an operation while the database is unreachable, and only then', async () => {
    const pauses: number[] = [];
    const sleep = (ms: number) => {
      pauses.push(ms);
      return Promise.resolve();
    };
    let calls = 0;
    const value = await retryWhileDatabaseUnavailable(
      () => {
        calls += 1;
        return calls < 4 ? Promise.reject(cutOff) : Promise.resolve('written');
      },
      { sleep },
    );
    expect(value).to.equal('written');
    expect(pauses).to.deep.equal([100, 200, 400]);

    calls = 0;
    const unique = withFields('duplicate key', { code: '23505', severity: 'ERROR' });
    const failed = await retryWhileDatabaseUnavailable(() => {
      calls += 1;
      return Promise.reject(unique);
    }, { sleep }).catch((error: unknown) => error);
    expect(failed).to.equal(unique);
    expect(calls, 'another error is not repeated').to.equal(1);
  });

  it('gives up with the last error once the wait would pass maxWaitMs', async () => {
    let calls = 0;
    const failed = await retryWhileDatabaseUnavailable(
      () => {
        calls += 1;
        return Promise.reject(cutOff);
      },
      { maxWaitMs: 0, sleep: () => Promise.resolve() },
    ).catch((error: unknown) => error);
    expect(failed).to.equal(cutOff);
    expect(calls).to.equal(1);
  });
});
