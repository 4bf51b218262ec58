/**
 * Which API a remote command talks to and with which credential: `--api-url`, else
 * `$ZEKKA_API_URL`, else the URL of the last `zekka login`, else http://127.0.0.1:3000; the
 * credential is the one stored for exactly that URL.
 */
import type { Command } from 'commander';
import { CliError, UsageError } from '../cli-error.js';
import { ApiClient } from './api-client.js';
import { CredentialStore, type Credential } from './credentials.js';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

export interface RemoteOptions {
  apiUrl?: string;
}

export function withApiUrlOption(command: Command): Command {
  return command.option('--api-url <url>', `the Zekka API (default: $ZEKKA_API_URL, else the last login, else ${DEFAULT_API_URL})`);
}

/** `http(s)://host[:port][/prefix]` without a trailing slash; anything else is a usage error. */
export function normalizeApiUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--api-url must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--api-url must be an http(s) URL, got ${JSON.stringify(value)}`);
  if (url.username || url.password || url.search || url.hash) throw new UsageError('--api-url takes no credentials, query or fragment');
  return `${url.origin}${withoutTrailingSlashes(url.pathname)}`;
}

export async function resolveApiUrl(options: RemoteOptions, store: CredentialStore): Promise<string> {
  const chosen = options.apiUrl ?? process.env.ZEKKA_API_URL ?? (await store.currentUrl()) ?? DEFAULT_API_URL;
  return normalizeApiUrl(chosen);
}

export interface Remote {
  client: ApiClient;
  credential: Credential;
  store: CredentialStore;
}

/** The API client with the stored credential; a clear error when there is none or it expired. */
export async function openRemote(options: RemoteOptions, store = new CredentialStore()): Promise<Remote> {
  const apiUrl = await resolveApiUrl(options, store);
  const credential = await store.get(apiUrl);
  if (!credential) throw new CliError(`not logged in to ${apiUrl}: run zekka login --api-url ${apiUrl}`);
  if (credential.expiresAt && Date.parse(credential.expiresAt) <= Date.now()) {
    throw new CliError(`your session at ${apiUrl} expired: run zekka login --api-url ${apiUrl} (or log in with --create-api-key for a key that does not expire)`);
  }
  return { client: new ApiClient(apiUrl, credential.token), credential, store };
}

/** `/base///` → `/base`; a loop, since `/\/+$/` rescans a run of slashes from each of its slashes. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charAt(end - 1) === '/') end--;
  return path.slice(0, end);
}
