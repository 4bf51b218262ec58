/**
 * Sign-up and login for the generated API (written by the Authentication Manager beside its token
 * code): passwords hashed with node:crypto's scrypt (no native dependency), credentials in the
 * `credential` store of src/server/db.ts (in memory, or the Credential table through Prisma), and
 * tokens signed by src/server/auth/tokens.ts. Mounted before `authenticate()`, so they are the
 * only /api routes that need no token.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { file, type OutputFile } from './scaffold.js';

/** The role a new account gets: the least privileged one the authorization manager declares. */
export function signUpRole(roles: string[]): string {
  return roles.includes('member') ? 'member' : (roles.at(-1) ?? 'member');
}

function passwords(task: AgentTask): OutputFile {
  return file(task, 'src/server/auth/passwords.ts', [
    "import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';",
    '',
    "// N=2^15, r=8, p=3: one of the equivalent scrypt settings of OWASP's Password Storage Cheat Sheet (32 MiB",
    '// per hash). The parameters are stored with each hash, so they can be raised later without a reset.',
    'const N = 32768;',
    'const R = 8;',
    'const P = 3;',
    'const KEY_LENGTH = 64;',
    '',
    'function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {',
    '  return new Promise((resolve, reject) => {',
    '    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 256 * n * r }, (error, key) => (error ? reject(error) : resolve(key)));',
    '  });',
    '}',
    '',
    '/** `scrypt$N$r$p$<salt>$<key>`, base64url: the salt is random per password. */',
    'export async function hashPassword(password: string): Promise<string> {',
    '  const salt = randomBytes(16);',
    '  const key = await derive(password, salt, N, R, P);',
    "  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');",
    '}',
    '',
    '/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */',
    'export async function verifyPassword(password: string, stored: string): Promise<boolean> {',
    "  const [scheme, n, r, p, salt, key] = stored.split('$');",
    "  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !key) return false;",
    "  const expected = Buffer.from(key, 'base64url');",
    "  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));",
    '  return actual.length === expected.length && timingSafeEqual(actual, expected);',
    '}',
    '',
    '/** A hash of nothing anyone knows: login checks it for an unknown email, so both answers take as long. */',
    "export const DUMMY_HASH = await hashPassword(randomBytes(16).toString('hex'));",
  ]);
}

function authRoutes(task: AgentTask, role: string): OutputFile {
  return file(task, 'src/server/auth/auth-routes.ts', [
    "import { Router, type Response } from 'express';",
    "import { z } from 'zod';",
    "import { prisma } from '../db.js';",
    "import { DUMMY_HASH, hashPassword, verifyPassword } from './passwords.js';",
    "import { signToken } from './tokens.js';",
    '',
    'const credentialsSchema = z.strictObject({',
    '  email: z.email().max(320),',
    '  password: z.string().min(8).max(200),',
    '});',
    '',
    `/** New accounts get the least privileged role; an admin grants more. */`,
    `const SIGN_UP_ROLE = '${role}';`,
    '',
    'function invalid(res: Response, issue: z.core.$ZodIssue | undefined): void {',
    "  res.status(400).json({ error: { code: 'validation_error', message: issue?.message ?? 'invalid body', field: issue?.path.join('.') } });",
    '}',
    '',
    'function session(res: Response, status: number, account: { id: string; email: string; role: string }): void {',
    '  res.status(status).json({ token: signToken({ sub: account.id, role: account.role }), user: { id: account.id, email: account.email, role: account.role } });',
    '}',
    '',
    '/** POST /signup (201 and a token; 409 when the email is taken) and POST /login (200 and a token; 401). */',
    'export function authRoutes(): Router {',
    '  const router = Router();',
    "  router.post('/signup', async (req, res) => {",
    '    const parsed = credentialsSchema.safeParse(req.body);',
    '    if (!parsed.success) return invalid(res, parsed.error.issues[0]);',
    '    const email = parsed.data.email.toLowerCase();',
    '    try {',
    '      const account = await prisma.credential.create({ data: { email, passwordHash: await hashPassword(parsed.data.password), role: SIGN_UP_ROLE } });',
    '      session(res, 201, account);',
    '    } catch (error) {',
    "      if ((error as { code?: unknown }).code !== 'P2002') throw error;",
    "      res.status(409).json({ error: { code: 'email_taken', message: 'An account with this email exists', field: 'email' } });",
    '    }',
    '  });',
    "  router.post('/login', async (req, res) => {",
    '    const parsed = credentialsSchema.safeParse(req.body);',
    '    if (!parsed.success) return invalid(res, parsed.error.issues[0]);',
    '    const account = await prisma.credential.findUnique({ where: { email: parsed.data.email.toLowerCase() } });',
    '    const matches = await verifyPassword(parsed.data.password, account?.passwordHash ?? DUMMY_HASH);',
    '    if (!account || !matches) {',
    "      res.status(401).json({ error: { code: 'invalid_credentials', message: 'Wrong email or password' } });",
    '      return;',
    '    }',
    '    session(res, 200, account);',
    '  });',
    '  return router;',
    '}',
  ]);
}

export function signInFiles(task: AgentTask, roles: string[]): OutputFile[] {
  return [passwords(task), authRoutes(task, signUpRole(roles))];
}
