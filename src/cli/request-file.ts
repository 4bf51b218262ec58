/** A software request in a markdown file, as `zekka demo` and `zekka submit` read it. */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { basename, extname } from 'node:path';
import { CliError } from './cli-error.js';

const READ_ERRORS: Record<string, string> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder' };

export async function readRequestFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`cannot read the request file ${path}: ${READ_ERRORS[code] ?? (code || String(error))}`, 1, { cause: error });
  }
}

/** The request's first `# heading`, else the file's name without its extension; at most 200 characters. */
export function requestTitle(requirements: string, path: string): string {
  const heading = /^#[^\S\n]+(\S.*)$/m.exec(requirements)?.[1]?.trim();
  return (heading || basename(path, extname(path))).slice(0, 200);
}

/** Commander parser of `--budget <usd>`. */
export function parseBudgetUsd(value: string): number {
  const budget = Number(value);
  if (!Number.isFinite(budget) || budget <= 0 || budget > 1_000_000) throw new InvalidArgumentError('must be a positive number of US dollars (at most 1000000)');
  return budget;
}
