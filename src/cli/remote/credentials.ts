/**
 * Where `zekka login` keeps what it got: `credentials.json` in `$ZEKKA_CONFIG_DIR`, else
 * `$XDG_CONFIG_HOME/zekka`, else `~/.config/zekka`. One entry per API URL — a token is only ever
 * sent to the server that issued it — plus the URL last logged in to, the default for later
 * commands. The folder is created 0700 and the file written 0600 through a rename, so a
 * half-written file or a moment of wider permissions never exists.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CliError } from '../cli-error.js';

const credentialSchema = z.object({
  kind: z.enum(['jwt', 'api-key']),
  token: z.string().min(1),
  email: z.string().optional(),
  /** ISO time a JWT expires; API keys do not. */
  expiresAt: z.string().optional(),
});
export type Credential = z.infer<typeof credentialSchema>;

const fileSchema = z.object({
  current: z.string().optional(),
  servers: z.record(z.string(), credentialSchema).default({}),
});
type CredentialsFile = z.infer<typeof fileSchema>;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZEKKA_CONFIG_DIR) return env.ZEKKA_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'zekka');
  return join(homedir(), '.config', 'zekka');
}

export class CredentialStore {
  readonly path: string;

  constructor(readonly dir: string = configDir()) {
    this.path = join(dir, 'credentials.json');
  }

  /** The URL of the last login, if any. */
  async currentUrl(): Promise<string | undefined> {
    return (await this.read()).current;
  }

  async get(apiUrl: string): Promise<Credential | undefined> {
    return (await this.read()).servers[apiUrl];
  }

  async save(apiUrl: string, credential: Credential): Promise<void> {
    const file = await this.read();
    file.servers[apiUrl] = credential;
    file.current = apiUrl;
    await this.write(file);
  }

  /** Forgets the credential for one URL; true when there was one. */
  async remove(apiUrl: string): Promise<boolean> {
    const file = await this.read();
    if (!file.servers[apiUrl]) return false;
    delete file.servers[apiUrl];
    if (file.current === apiUrl) delete file.current;
    await this.write(file);
    return true;
  }

  private async read(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { servers: {} };
      throw new CliError(`cannot read ${this.path}: ${(error as Error).message}`, 1, { cause: error });
    }
    let parsed: ReturnType<typeof fileSchema.safeParse>;
    try {
      parsed = fileSchema.safeParse(JSON.parse(text));
    } catch (error) {
      throw new CliError(`${this.path} is not valid JSON: delete it and run zekka login again`, 1, { cause: error });
    }
    if (!parsed.success) throw new CliError(`${this.path} is not a credentials file Zekka wrote: delete it and run zekka login again`);
    return parsed.data;
  }

  private async write(file: CredentialsFile): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    try {
      await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      // writeFile's mode is filtered by the umask and ignored for an existing file: set it outright.
      await chmod(temporary, 0o600);
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new CliError(`cannot write ${this.path}: ${(error as Error).message}`, 1, { cause: error });
    }
  }
}
