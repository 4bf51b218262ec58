/**
 * The REST side of the remote commands: native fetch against the Zekka API, each failure turned
 * into one line a person can act on — the server cannot be reached (and why), the credentials are
 * missing or refused, or the API's problem+json `detail` with the fields it names.
 */
import { CliError } from '../cli-error.js';

const REQUEST_TIMEOUT_MS = 30_000;

export interface RequestOptions {
  body?: unknown;
  /** Send the stored credential (default true). */
  auth?: boolean;
  query?: Record<string, string | number | undefined>;
}

interface ProblemBody {
  detail?: unknown;
  title?: unknown;
  errors?: { field?: unknown; message?: unknown }[];
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

/** Why fetch threw, in a few words. */
function networkReason(error: unknown): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  let cause: unknown = error;
  // fetch wraps the socket error (sometimes twice, in an AggregateError for dual-stack hosts).
  for (let depth = 0; depth < 4 && cause; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string') return NETWORK_REASONS[code] ?? code;
    const errors = (cause as { errors?: unknown[] }).errors;
    cause = Array.isArray(errors) && errors.length > 0 ? errors[0] : (cause as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `detail (field requirements: message)` from a problem+json body. */
export function problemMessage(body: ProblemBody | undefined, fallback: string): string {
  const detail = typeof body?.detail === 'string' ? body.detail : typeof body?.title === 'string' ? body.title : fallback;
  const fields = (body?.errors ?? []).filter((e) => typeof e.field === 'string').map((e) => `${String(e.field)}: ${String(e.message)}`);
  const suffix = fields.length > 0 && !fields.every((f) => detail.includes(f)) ? ` (field ${fields.join('; ')})` : '';
  return `${detail}${suffix}`;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  get authenticated(): boolean {
    return this.token !== undefined;
  }

  /** A copy that sends `token`. */
  withToken(token: string): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    if (text.length === 0) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CliError(`unexpected answer from ${this.baseUrl}${path} (not JSON): is this a Zekka API?`, 1, { cause: error });
    }
  }

  /** The successful response itself, for downloads. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.auth !== false) {
      if (!this.token) throw new CliError(`not logged in to ${this.baseUrl}: run zekka login --api-url ${this.baseUrl}`);
      headers.authorization = `Bearer ${this.token}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new CliError(`cannot reach the Zekka API at ${this.baseUrl}: ${networkReason(error)}`, 1, { cause: error });
    }
    if (!response.ok) throw await this.failure(response, options.auth !== false);
    return response;
  }

  private async failure(response: Response, sentCredentials: boolean): Promise<CliError> {
    const text = await response.text().catch(() => '');
    let body: ProblemBody | undefined;
    if (/json/.test(response.headers.get('content-type') ?? '')) {
      try {
        body = JSON.parse(text) as ProblemBody;
      } catch {
        body = undefined;
      }
    }
    const status = `${response.status} ${response.statusText}`.trim();
    if (response.status === 401 && sentCredentials) {
      return new CliError(`${this.baseUrl} refused the stored credentials (expired or revoked): run zekka login --api-url ${this.baseUrl}`);
    }
    if (response.status === 429) {
      const retry = response.headers.get('retry-after');
      return new CliError(`${problemMessage(body, 'too many requests')}${retry ? ` (retry in ${retry} s)` : ''}`);
    }
    if (response.status >= 500) {
      const requestId = response.headers.get('x-request-id');
      return new CliError(`the Zekka API at ${this.baseUrl} answered ${status}: ${problemMessage(body, 'server error')}${requestId ? ` (request id ${requestId})` : ''}`);
    }
    if (!body) return new CliError(`unexpected answer from ${this.baseUrl}: ${status}: is this a Zekka API?`);
    return new CliError(problemMessage(body, status));
  }
}
