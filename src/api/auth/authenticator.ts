/**
 * Authentication through passport (an instance per app, no global): `jwt` (passport-jwt, HS256
 * only) and `api-key`, a small strategy reading `X-API-Key`, `Authorization: Bearer zk_…`, or —
 * where a browser must get in, i.e. Bull Board — HTTP Basic with an API key as the password.
 * API keys are looked up on every request: a revoked key stops working at once, on every replica.
 * A JWT's user (id, email, role) is cached for `userCacheMs` (default 2 s) per process: the hottest
 * reads save a query, and a deleted or demoted user loses access within that time. A JWT verified
 * once is remembered until its `exp` (its signature cannot change), so later requests with it skip
 * the HMAC and passport's strategy machinery: about a fifth of an authenticated read's CPU.
 */
import type { Request, RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import type { PrismaClient } from '../../db/prisma-types.js';
import { ForbiddenError, UnauthorizedError } from '../http-errors.js';
import { hashApiKey, isApiKeyShaped } from './api-keys.js';
import { principalOf, type Principal } from './principal.js';
import { hmacKey, TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** lastUsedAt is refreshed at most this often per key (one write per minute, not per request). */
const LAST_USED_RESOLUTION_MS = 60_000;

function apiKeyFrom(req: Request, allowBasic: boolean): string | undefined {
  const header = req.get('x-api-key');
  if (header) return header.trim();
  const authorization = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(zk_\S*)$/i.exec(authorization);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Z0-9+/=]+)$/i.exec(authorization);
  if (allowBasic && basic) {
    const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

class ApiKeyStrategy extends passport.Strategy {
  override name = 'api-key';

  constructor(
    private readonly prisma: PrismaClient,
    private readonly allowBasic: boolean,
  ) {
    super();
  }

  override authenticate(req: Request): void {
    const key = apiKeyFrom(req, this.allowBasic);
    if (!key || !isApiKeyShaped(key)) {
      this.fail('invalid API key', 401);
      return;
    }
    this.lookup(key).then(
      (principal) => (principal ? this.success(principal) : this.fail('invalid API key', 401)),
      (error: unknown) => this.error(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private async lookup(key: string): Promise<Principal | undefined> {
    const found = await this.prisma.apiKey.findUnique({
      where: { keyHash: hashApiKey(key) },
      select: { id: true, revokedAt: true, lastUsedAt: true, user: { select: { id: true, email: true, role: true } } },
    });
    if (!found || found.revokedAt) return undefined;
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failed update must not fail the request.
      this.prisma.apiKey.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    }
    return { ...found.user, via: 'api-key', apiKeyId: found.id };
  }
}

export interface Authentication {
  /** Requires credentials (JWT or API key); sets `res.locals.principal`. */
  authenticate: RequestHandler;
  /** Like `authenticate`, also accepting HTTP Basic with an API key as the password (browser pages). */
  authenticateBrowser: RequestHandler;
  requireAdmin: RequestHandler;
}

type UserRow = { id: string; email: string; role: Principal['role'] };

/**
 * A small TTL cache of user rows by id, bounded in size. Concurrent misses for one user share one
 * query: otherwise every request in flight when an entry expires (a hundred, under load) would
 * look the same user up at once.
 */
function userLookup(prisma: PrismaClient, ttlMs: number): (id: string) => Promise<UserRow | null> {
  const cache = new Map<string, { row: Promise<UserRow | null>; until: number }>();
  return (id) => {
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.row;
    const row = prisma.user.findUnique({ where: { id }, select: { id: true, email: true, role: true } });
    if (ttlMs > 0) {
      if (cache.size >= 10_000) cache.clear();
      const entry = { row, until: Date.now() + ttlMs };
      cache.set(id, entry);
      // A failed lookup is not cached: the next request asks again.
      row.catch(() => {
        if (cache.get(id) === entry) cache.delete(id);
      });
    }
    return row;
  };
}

/** The subject of a JWT whose signature, issuer and audience were checked, and when it expires. */
interface VerifiedToken {
  sub: string;
  expiresAtMs: number;
}

const bearerToken = ExtractJwt.fromAuthHeaderAsBearerToken();

export function createAuthentication(prisma: PrismaClient, jwtSecret: string, userCacheMs = 2_000): Authentication {
  const authenticator = new passport.Authenticator();
  const key = hmacKey(jwtSecret);
  const findUser = userLookup(prisma, userCacheMs);
  const verifiedTokens = new LRUCache<string, VerifiedToken>({ max: 10_000 });
  authenticator.use(
    'jwt',
    new JwtStrategy(
      {
        jwtFromRequest: bearerToken,
        passReqToCallback: true,
        // jsonwebtoken accepts a KeyObject; passport-jwt's types only name string | Buffer.
        secretOrKeyProvider: (_req: unknown, _raw: unknown, done: (error: unknown, key?: string | Buffer) => void) => done(null, key as unknown as Buffer),
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
      },
      (req: Request, payload: { sub?: unknown; exp?: unknown }, done: (error: unknown, user?: Principal | false) => void) => {
        if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) return done(null, false);
        const token = bearerToken(req);
        // Tokens are always signed with an expiry (signAccessToken); one without is never remembered.
        if (token && typeof payload.exp === 'number') verifiedTokens.set(token, { sub: payload.sub, expiresAtMs: payload.exp * 1000 });
        findUser(payload.sub).then(
          (user) => done(null, user ? { ...user, via: 'jwt' } : false),
          (error: unknown) => done(error),
        );
      },
    ),
  );
  authenticator.use('api-key', new ApiKeyStrategy(prisma, false));
  authenticator.use('api-key-basic', new ApiKeyStrategy(prisma, true));

  const middleware =
    (allowBasic: boolean): RequestHandler =>
    (req, res, next) => {
      const authorization = req.get('authorization') ?? '';
      const useJwt = !req.get('x-api-key') && /^Bearer\s+(?!zk_)/i.test(authorization);
      const strategy = useJwt ? 'jwt' : allowBasic ? 'api-key-basic' : 'api-key';
      const challenge = allowBasic ? 'Basic realm="Zekka admin (user: anything, password: an API key)", Bearer' : 'Bearer realm="zekka"';
      const admit = (user: Principal | false | undefined) => {
        if (!user) {
          res.setHeader('WWW-Authenticate', challenge);
          return next(new UnauthorizedError());
        }
        res.locals.principal = user;
        next();
      };
      const known = useJwt ? verifiedTokens.get(bearerToken(req) ?? '') : undefined;
      if (known && known.expiresAtMs > Date.now()) {
        findUser(known.sub).then((user) => admit(user ? { ...user, via: 'jwt' } : false), next);
        return;
      }
      const handler = authenticator.authenticate(strategy, { session: false }, (error: unknown, user: Principal | false | undefined) => (error ? next(error) : admit(user))) as RequestHandler;
      void handler(req, res, next);
    };

  return {
    authenticate: middleware(false),
    authenticateBrowser: middleware(true),
    requireAdmin: (_req, res, next) => {
      const principal = principalOf(res);
      next(principal?.role === 'admin' ? undefined : principal ? new ForbiddenError('admins only') : new UnauthorizedError());
    },
  };
}
