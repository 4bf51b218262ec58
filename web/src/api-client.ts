/**
 * REST calls to the API on the page's own origin. Every error the API sends is problem+json
 * `{detail, errors?: [{field, message}]}`; it becomes an ApiError whose message a form can show
 * as it is. A 401 means the session is over: the caller signs the user out.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: FieldProblem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Problem {
  detail?: string;
  title?: string;
  errors?: FieldProblem[];
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  token?: string;
  body?: unknown;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  } catch {
    throw new ApiError('The server does not answer. Is it running?', 0);
  }
  if (response.ok) return response;
  const problem = (await response.json().catch(() => ({}))) as Problem;
  const fields = problem.errors ?? [];
  const detail = fields.length > 0 ? fields.map((f) => `${f.field}: ${f.message}`).join('; ') : (problem.detail ?? problem.title ?? response.statusText);
  throw new ApiError(detail, response.status, fields);
}

export async function apiJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export async function apiBlob(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; filename: string | undefined }> {
  const response = await send(path, options);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1];
  return { blob: await response.blob(), filename };
}
