/** Who is calling: set on `res.locals.principal` by the authentication middleware. */
import type { Response } from 'express';
import { UnauthorizedError } from '../http-errors.js';

export type Role = 'user' | 'admin';

export interface Principal {
  id: string;
  email: string;
  role: Role;
  /** How the caller proved it: a JWT, or an API key (then `apiKeyId` names it). */
  via: 'jwt' | 'api-key';
  apiKeyId?: string;
}

export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new UnauthorizedError();
  return principal;
}
