/**
 * Runs the real `zekka` binary in a child process (`node bin/zekka.js`, not npx, so signals and
 * exit codes are the binary's own). The child's environment is the test's minus the variables
 * that would point it at a developer's services, plus `env`.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const INHERITED_OUT = ['DATABASE_URL', 'REDIS_URL', 'ZEKKA_DATA_DIR', 'QUEUE_PREFIX'];

/** `input`, when given, is piped to the child's stdin (else stdin is closed). */
export function runZekka(args: string[], env: Record<string, string | undefined> = {}, options: { input?: string } = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of INHERITED_OUT) delete childEnv[name];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete childEnv[name];
    else childEnv[name] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'zekka.js'), ...args], { cwd: repoRoot, env: childEnv, stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    child.stdin?.end(options.input);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
