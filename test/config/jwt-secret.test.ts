import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { parseEnv } from '../../src/config/env.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { JWT_SECRET_FILE, resolveJwtSecret } from '../../src/config/jwt-secret.js';
import { runZekka } from '../support/run-cli.js';

function problemsOf(secret: string): string {
  try {
    parseEnv({ JWT_SECRET: secret });
    return '';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.join('\n');
  }
}

describe('JWT secret', () => {
  describe('strength', () => {
    const weak: Record<string, string> = {
      'one repeated letter': 'a'.repeat(32),
      'two letters alternating': 'ab'.repeat(20),
      'the former built-in development default': 'zekka-development-secret-change-me-0123456789',
      "deploy/k8s/secret.example.yaml's placeholder": 'CHANGE_ME',
      'a placeholder padded to length': 'please-CHANGE-ME-before-deploying-this',
      'a word repeated': 'bench-secret-bench-secret-bench-secret-0123',
      'an alphabet run': 'abcdefghijklmnopqrstuvwxyz0123456789',
      'too short': randomBytes(15).toString('hex'),
    };
    for (const [what, secret] of Object.entries(weak)) {
      it(`refuses ${what}, naming JWT_SECRET without echoing it`, () => {
        const problems = problemsOf(secret);
        expect(problems).to.match(/^JWT_SECRET=\(value hidden\): (must be at least 32 bytes|is a placeholder|is too weak)/);
        expect(problems).to.not.contain(secret);
      });
    }

    it('accepts every secret `openssl rand` makes, from 16 bytes of hex to 64 bytes of base64', () => {
      fc.assert(
        fc.property(fc.integer({ min: 16, max: 64 }), fc.constantFrom<BufferEncoding>('hex', 'base64', 'base64url'), (bytes, encoding) => {
          const secret = randomBytes(bytes).toString(encoding);
          fc.pre(Buffer.byteLength(secret) >= 32);
          expect(problemsOf(secret), secret).to.equal('');
        }),
        { numRuns: 2_000 },
      );
    });
  });

  describe('processes that sign or verify tokens', () => {
    for (const command of ['api', 'worker', 'arbitrator']) {
      it(`\`zekka ${command}\` without JWT_SECRET exits 2 naming it`, async () => {
        const result = await runZekka([command], { JWT_SECRET: undefined, NODE_ENV: 'development' });
        expect(result.code).to.equal(2);
        expect(result.stderr).to.match(/JWT_SECRET is missing: set JWT_SECRET to at least 32 random bytes/);
      });
    }

    it('`zekka api` with a 32-character secret of one letter exits 2 naming it', async () => {
      const result = await runZekka(['api'], { JWT_SECRET: 'x'.repeat(32), NODE_ENV: 'development' });
      expect(result.code).to.equal(2);
      expect(result.stderr).to.match(/JWT_SECRET=\(value hidden\): is too weak/);
    });
  });

  describe('the secret `zekka dev` keeps in ZEKKA_DATA_DIR', () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'zekka-jwt-'))));
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('is generated once with mode 0600 and reused by every later (or concurrent) start', async () => {
      const dataDir = join(dir, 'data');
      const secrets = await Promise.all(Array.from({ length: 8 }, () => resolveJwtSecret({ ZEKKA_DATA_DIR: dataDir }, 'generate')));
      expect(new Set(secrets).size, 'concurrent starts agree on one secret').to.equal(1);
      const path = join(dataDir, JWT_SECRET_FILE);
      expect((await lstat(path)).mode & 0o777).to.equal(0o600);
      expect((await readFile(path, 'utf8')).trim()).to.equal(secrets[0]);
      expect(await resolveJwtSecret({ ZEKKA_DATA_DIR: dataDir }, 'generate')).to.equal(secrets[0]);
      expect(problemsOf(secrets[0] ?? '')).to.equal('');
    });

    it('prefers JWT_SECRET and then writes nothing', async () => {
      const secret = randomBytes(32).toString('hex');
      expect(await resolveJwtSecret({ JWT_SECRET: secret, ZEKKA_DATA_DIR: dir }, 'generate')).to.equal(secret);
      await lstat(join(dir, JWT_SECRET_FILE)).then(
        () => expect.fail('a secret file was written'),
        (error: NodeJS.ErrnoException) => expect(error.code).to.equal('ENOENT'),
      );
    });

    it('refuses a kept secret that others can read, a symlink, or a weak one', async () => {
      const path = join(dir, JWT_SECRET_FILE);
      await writeFile(path, randomBytes(32).toString('hex'), { mode: 0o644 });
      await chmod(path, 0o644);
      await expectRefused(/readable by other users \(mode 644\)/);
      await rm(path);
      const target = join(dir, 'elsewhere');
      await writeFile(target, randomBytes(32).toString('hex'), { mode: 0o600 });
      await symlink(target, path);
      await expectRefused(/is not a regular file/);
      await rm(path);
      await writeFile(path, 'a'.repeat(40), { mode: 0o600 });
      await expectRefused(/ is too weak/);
    });

    async function expectRefused(message: RegExp): Promise<void> {
      const error = await resolveJwtSecret({ ZEKKA_DATA_DIR: dir }, 'generate').then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(ConfigError);
      expect((error as ConfigError).message).to.match(/JWT_SECRET is missing/).and.match(message);
    }
  });
});
