/**
 * The one error class every provider failure becomes. `kind` drives the router's policy:
 * transient kinds (rate_limited, overloaded, server, timeout, connection, interrupted) back off and fall back;
 * the others (auth, client, bad_response, truncated) fall back too but say the provider or the
 * request is wrong; `cancelled` (the caller's own signal) stops the walk at once.
 */
import { AppError } from '../../errors/app-error.js';
import type { TokenUsage } from '../provider.js';

export type ProviderErrorKind =
  | 'rate_limited'
  | 'overloaded'
  | 'server'
  | 'timeout'
  | 'connection'
  /** A streamed answer that stopped without its final event (connection closed, stream cut). */
  | 'interrupted'
  | 'bad_response'
  | 'truncated'
  | 'auth'
  | 'client'
  | 'cancelled';

const TRANSIENT: ReadonlySet<ProviderErrorKind> = new Set(['rate_limited', 'overloaded', 'server', 'timeout', 'connection', 'interrupted']);

export interface ProviderErrorOptions {
  provider: string;
  model: string;
  status?: number;
  retryAfterMs?: number;
  cause?: unknown;
  consumed?: TokenUsage;
}

export class ProviderError extends AppError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly model: string;
  /** The HTTP status when the provider answered with one. */
  readonly httpStatus?: number;
  /** What the provider asked us to wait (retry-after), in milliseconds. */
  readonly retryAfterMs?: number;
  /**
   * What a streamed call had produced when it failed (the provider bills it): the router settles
   * the call with it, once. Absent when nothing was produced (the reservation is released).
   */
  consumed?: TokenUsage;

  constructor(kind: ProviderErrorKind, message: string, options: ProviderErrorOptions) {
    super(`${options.provider}:${options.model} ${kind}: ${message}`, {
      code: `provider_${kind}`,
      status: kind === 'rate_limited' ? 429 : 502,
      cause: options.cause,
      details: { provider: options.provider, model: options.model, kind, httpStatus: options.status, retryAfterMs: options.retryAfterMs },
    });
    this.kind = kind;
    this.provider = options.provider;
    this.model = options.model;
    this.httpStatus = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.consumed = options.consumed;
  }

  /** Worth another try later (or elsewhere): the provider, not the request, was the problem. */
  get transient(): boolean {
    return TRANSIENT.has(this.kind);
  }
}

/** The kind an HTTP status means, for every provider. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 529 || status === 503) return 'overloaded';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 401 || status === 403) return 'auth';
  if (status >= 500) return 'server';
  return 'client';
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date), in milliseconds. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (Number.isFinite(Number(value))) return Math.max(0, Math.round(Number(value) * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Node's fetch failing below HTTP (refused, reset, DNS): `TypeError('fetch failed')` with a system error as cause. */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error.cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^(?:ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) {
    return true;
  }
  return error instanceof TypeError && error.message === 'fetch failed';
}
