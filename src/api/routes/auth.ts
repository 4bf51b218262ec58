/** /api/auth: register, login, me. A wrong email and a wrong password get the same answer in the same time. */
import { ConflictError } from '../../errors/app-error.js';
import { isUniqueViolation } from '../../db/prisma-types.js';
import type { ApiContext } from '../api-context.js';
import { signAccessToken } from '../auth/tokens.js';
import { UnauthorizedError } from '../http-errors.js';
import { clientAddress } from '../middleware/rate-limits.js';
import { loginBody, registerBody, registeredUser, tokenSchema, userSchema } from '../schemas/auth.js';

export function registerAuthRoutes(ctx: ApiContext): void {
  const { api, engine, hasher, audit } = ctx;
  const { prisma } = engine;

  api.route(
    {
      method: 'post',
      path: '/api/auth/register',
      operationId: 'register',
      summary: 'Create an account',
      tag: 'auth',
      auth: 'none',
      before: [ctx.limits.registerIp],
      body: registerBody,
      responses: { 201: { description: 'the account', schema: registeredUser }, 409: { description: 'an account with this email exists' } },
    },
    async ({ body }, req, res) => {
      const email = body.email.trim().toLowerCase();
      const passwordHash = await hasher.hash(body.password);
      const user = await prisma.user.create({ data: { email, passwordHash }, select: { id: true, email: true } }).catch((error: unknown) => {
        throw isUniqueViolation(error) ? new ConflictError('an account with this email exists') : error;
      });
      await audit.record(req, res, { actorId: user.id, action: 'auth.register', targetType: 'user', targetId: user.id });
      res.status(201).json(user);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Exchange email and password for an access token (JWT)',
      description:
        'Failed logins are throttled per (account, address) with growing delays, and capped per address and per account (429 with Retry-After, the same for unknown emails). A success resets the pair.',
      tag: 'auth',
      auth: 'none',
      body: loginBody,
      responses: { 200: { description: 'the access token', schema: tokenSchema }, 401: { description: 'wrong email or password (the same answer for both)' } },
    },
    async ({ body }, req, res) => {
      const email = body.email.trim().toLowerCase();
      // Before any lookup: a refusal costs the same whether or not the account exists.
      const attempt = await ctx.loginThrottle.admit(email, clientAddress(req));
      const user = await prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
      const ok = user ? await hasher.verify(user.passwordHash, body.password) : await hasher.verifyNothing(body.password);
      if (!user || !ok) {
        await audit.record(req, res, { actorId: user?.id ?? null, action: 'auth.login_failed', targetType: 'user', targetId: user?.id });
        throw new UnauthorizedError('invalid email or password');
      }
      await attempt.succeeded();
      if (hasher.needsRehash(user.passwordHash)) {
        await prisma.user.update({ where: { id: user.id }, data: { passwordHash: await hasher.hash(body.password) } });
      }
      await audit.record(req, res, { actorId: user.id, action: 'auth.login', targetType: 'user', targetId: user.id });
      res.json({ ...signAccessToken(ctx.tokens, user.id), tokenType: 'Bearer' });
    },
  );

  api.route(
    { method: 'get', path: '/api/auth/me', operationId: 'me', summary: 'The authenticated user', tag: 'auth', auth: 'user', responses: { 200: { description: 'the caller', schema: userSchema } } },
    async (input, _req, res) => {
      const me = input.user();
      const user = await prisma.user.findUniqueOrThrow({ where: { id: me.id }, select: { id: true, email: true, role: true, createdAt: true } });
      res.json({ ...user, createdAt: user.createdAt.toISOString(), authenticatedWith: me.via });
    },
  );
}
