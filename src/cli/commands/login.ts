/**
 * `zekka login` and `zekka logout`: get a credential from the API and keep it (or forget it) in
 * the credentials file (src/cli/remote/credentials.ts). The password comes from `--password`, a
 * hidden prompt at a terminal, or the first line of stdin; with `--create-api-key` the CLI keeps a
 * new API key (no expiry, revocable) instead of the hour-long access token; `--api-key` stores a
 * key made elsewhere after checking it.
 */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../cli-error.js';
import { ApiClient } from '../remote/api-client.js';
import { CredentialStore, type Credential } from '../remote/credentials.js';
import { ask, askHidden, interactive, readFirstLineOfStdin } from '../remote/prompt.js';
import { resolveApiUrl, withApiUrlOption, type RemoteOptions } from '../remote/remote-context.js';

interface LoginOptions extends RemoteOptions {
  email?: string;
  password?: string;
  apiKey?: string;
  createApiKey?: boolean;
}

interface Me {
  email: string;
  role: string;
}

async function emailOf(options: LoginOptions): Promise<string> {
  if (options.email) return options.email;
  if (!interactive()) throw new UsageError('--email is required when stdin is not a terminal');
  const email = await ask('email: ');
  if (!email) throw new UsageError('an email is required');
  return email;
}

async function passwordOf(options: LoginOptions): Promise<string> {
  if (options.password !== undefined) return options.password;
  const password = interactive() ? await askHidden('password: ') : await readFirstLineOfStdin();
  if (!password) throw new UsageError('no password given (use --password, type it at the prompt, or pipe it on stdin)');
  return password;
}

async function passwordLogin(client: ApiClient, options: LoginOptions): Promise<Credential> {
  const email = await emailOf(options);
  const password = await passwordOf(options);
  const token = await client.json<{ accessToken: string; expiresIn: number }>('POST', '/api/auth/login', { auth: false, body: { email, password } });
  if (!options.createApiKey) {
    return { kind: 'jwt', token: token.accessToken, email, expiresAt: new Date(Date.now() + token.expiresIn * 1000).toISOString() };
  }
  const key = await client.withToken(token.accessToken).json<{ key: string }>('POST', '/api/auth/api-keys', { body: { name: `zekka CLI on ${hostname()}`.slice(0, 100) } });
  return { kind: 'api-key', token: key.key, email };
}

async function login(options: LoginOptions): Promise<void> {
  if (options.apiKey !== undefined && (options.email !== undefined || options.password !== undefined || options.createApiKey)) {
    throw new UsageError('--api-key replaces --email, --password and --create-api-key');
  }
  const store = new CredentialStore();
  const apiUrl = await resolveApiUrl(options, store);
  const client = new ApiClient(apiUrl);
  let credential: Credential;
  if (options.apiKey !== undefined) {
    if (!options.apiKey) throw new UsageError('--api-key needs a key');
    const me = await client.withToken(options.apiKey).json<Me>('GET', '/api/auth/me');
    credential = { kind: 'api-key', token: options.apiKey, email: me.email };
  } else {
    credential = await passwordLogin(client, options);
  }
  await store.save(apiUrl, credential);
  const until = credential.expiresAt ? ` until ${credential.expiresAt}` : ' with an API key';
  process.stdout.write(`logged in to ${apiUrl} as ${credential.email ?? 'API key holder'}${until} (credentials in ${store.path})\n`);
}

async function logout(options: RemoteOptions): Promise<void> {
  const store = new CredentialStore();
  const apiUrl = await resolveApiUrl(options, store);
  const removed = await store.remove(apiUrl);
  process.stdout.write(removed ? `logged out of ${apiUrl}\n` : `not logged in to ${apiUrl}\n`);
}

export function registerLoginCommands(program: Command): void {
  withApiUrlOption(
    program
      .command('login')
      .description('log in to a Zekka API and keep the credential (in $ZEKKA_CONFIG_DIR or ~/.config/zekka/credentials.json, mode 0600)')
      .option('--email <email>', 'your account (asked for at a terminal)')
      .option('--password <password>', 'your password (else asked for at a terminal, or the first line of stdin)')
      .option('--create-api-key', 'keep a new API key (no expiry) instead of the access token')
      .option('--api-key <key>', 'keep this API key instead of logging in with a password'),
  ).action(login);
  withApiUrlOption(program.command('logout').description('forget the credential kept for the API')).action(logout);
}
