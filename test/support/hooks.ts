/**
 * Mocha root hooks (.mocharc.json `require`): one isolated PostgreSQL database and Redis namespace
 * for the whole run, created before the first test and removed after the last.
 * See test/support/environment.ts.
 */
import { setUpTestEnvironment, tearDownTestEnvironment } from './environment.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await setUpTestEnvironment();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await tearDownTestEnvironment();
  },
};
