/**
 * `zekka artifacts <id> --out <dir>`: the project's current files written under <dir>, each
 * path checked first (src/cli/output/safe-files.ts) — a path that would land outside <dir> is
 * refused, reported, and makes the exit code 1. `--archive` saves the server's archive instead.
 */
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Option, type Command } from 'commander';
import { CliError } from '../cli-error.js';
import { streamUnder, targetUnder, writeUnder } from '../output/safe-files.js';
import type { ApiClient } from '../remote/api-client.js';
import { openRemote, type RemoteOptions } from '../remote/remote-context.js';
import { projectCommand, projectPath, type ArtifactList } from '../remote/remote-project.js';

/** Files fetched at once: enough to hide latency, few enough to stay far from the rate limit. */
const PARALLEL_DOWNLOADS = 4;

interface ArtifactsOptions extends RemoteOptions {
  out: string;
  archive?: boolean;
  format: 'tar.gz' | 'zip';
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

async function writeFiles(client: ApiClient, id: string, outDir: string): Promise<void> {
  const { items } = await client.json<ArtifactList>('GET', projectPath(id, '/artifacts'));
  const refused: string[] = [];
  let written = 0;
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      const path = items[index]?.path ?? '';
      try {
        targetUnder(outDir, path); // before asking for it: a `..` would also change the URL
        const response = await client.send('GET', projectPath(id, `/artifacts/${encodePath(path)}`));
        await writeUnder(outDir, path, new Uint8Array(await response.arrayBuffer()));
        written++;
      } catch (error) {
        if (!(error instanceof CliError) || !error.message.startsWith('refusing')) throw error;
        refused.push(path);
        process.stderr.write(`zekka: ${error.message}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DOWNLOADS, items.length) }, worker));
  process.stdout.write(`${written} files written to ${outDir}\n`);
  if (refused.length > 0) throw new CliError(`${refused.length} of ${items.length} files refused: their paths lead outside ${outDir}`);
}

async function saveArchive(client: ApiClient, id: string, outDir: string, format: ArtifactsOptions['format']): Promise<void> {
  const response = await client.send('GET', projectPath(id, '/archive'), { query: { format } });
  // The server names the file after the project; only its last path segment is taken.
  const named = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1]?.split(/[\\/]/).pop();
  const fileName = named && !named.startsWith('.') ? named : `${id}.${format}`;
  if (!response.body) throw new CliError('the API sent an empty archive');
  // A symbolic link planted under that name must not carry the archive elsewhere.
  const { target, stream } = await streamUnder(outDir, fileName);
  await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), stream);
  process.stdout.write(`archive saved to ${target}\n`);
}

async function artifacts(id: string, options: ArtifactsOptions): Promise<void> {
  const remote = await openRemote(options);
  const outDir = resolve(options.out);
  if (options.archive) await saveArchive(remote.client, id, outDir, options.format);
  else await writeFiles(remote.client, id, outDir);
}

export function registerArtifactsCommand(program: Command): void {
  projectCommand(program, 'artifacts', "write a project's files under a folder (paths that would leave it are refused)")
    .requiredOption('--out <dir>', 'the folder to write into (created if missing)')
    .option('--archive', 'save the whole project as one archive file instead')
    .addOption(new Option('--format <format>', 'archive format, with --archive').choices(['tar.gz', 'zip']).default('tar.gz'))
    .action(artifacts);
}
