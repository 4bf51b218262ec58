/**
 * Turns a Socket.IO handshake token (a JWT or an API key) into a principal with exactly the HTTP
 * API's rules: it runs the same passport `authenticate` middleware (createAuthentication: the same
 * JWT secret, algorithm, issuer and audience; API keys looked up by hash, revoked ones refused) on
 * a minimal request carrying `Authorization: Bearer <token>`. The realtime server calls it at the
 * handshake and again on every `subscribe`, so a socket never outlives what HTTP would accept.
 */
import type { NextFunction, Request, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { PrismaClient } from '../../db/prisma-types.js';
import { createAuthentication, type Authentication } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { UnauthorizedError } from '../http-errors.js';

export interface SocketAuth {
  /** The principal for a token, or undefined when it is missing, malformed, expired or revoked. */
  principalFor(token: unknown): Promise<Principal | undefined>;
}

/**
 * When a token that `principalFor` accepted stops being accepted (epoch ms): a JWT's `exp`; API keys
 * do not expire (undefined). Only ever called on a verified token, so decoding without checking is safe.
 */
export function tokenExpiresAt(token: string): number | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.exp === 'number' ? payload.exp * 1000 : undefined;
}

export function socketAuthFrom(authentication: Authentication): SocketAuth {
  return {
    principalFor(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 4096 || /\s/.test(token)) return Promise.resolve(undefined);
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      const req = { headers, get: (name: string) => headers[name.toLowerCase()] } as unknown as Request;
      const locals: Record<string, unknown> = {};
      const res = { locals, setHeader: () => undefined } as unknown as Response;
      return new Promise((resolve, reject) => {
        const next: NextFunction = (error?: unknown) => {
          if (error && !(error instanceof UnauthorizedError)) {
            reject(error instanceof Error ? error : new Error('authentication failed'));
            return;
          }
          resolve(error ? undefined : (locals.principal as Principal | undefined));
        };
        void authentication.authenticate(req, res, next);
      });
    },
  };
}

export function createSocketAuth(prisma: PrismaClient, jwtSecret: string): SocketAuth {
  return socketAuthFrom(createAuthentication(prisma, jwtSecret));
}
