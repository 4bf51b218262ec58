/**
 * `zekka doctor`: which model providers are configured, whether each answers (a cheap model-list
 * request), and which model each tier will use. Always exits 0: it reports, it does not judge.
 * `--json` prints the same report as data (the shape `buildModelReport` returns).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseEnv } from '../../config/env.js';
import { buildModelReport, type ModelReport, type ProviderStatus } from '../../models/router/model-report.js';

function providerLine(status: ProviderStatus): string {
  const name = status.name.padEnd(10);
  if (!status.configured) return `  ${name} not configured (${status.reason ?? 'no settings'})`;
  const where = status.endpoint ? `  ${status.endpoint}` : '';
  if (!status.answers) return `  ${name} configured, does NOT answer: ${status.error ?? 'unknown error'}${where}`;
  const models = status.modelCount === undefined ? '' : `, ${status.modelCount} model${status.modelCount === 1 ? '' : 's'} listed`;
  return `  ${name} answers (${status.latencyMs ?? 0} ms${models})${where}`;
}

export function formatModelReport(report: ModelReport): string {
  const lines = ['providers', ...report.providers.map(providerLine), 'tiers'];
  for (const tier of report.tiers) {
    lines.push(`  ${tier.tier.padEnd(10)} uses ${tier.uses ?? '(nothing answers)'}`);
    lines.push(`  ${''.padEnd(10)} chain ${tier.chain.join(' → ')}`);
    for (const model of tier.unlisted) lines.push(`  ${''.padEnd(10)} warning: ${model} is not on the server (ollama pull ${model.slice('ollama:'.length)})`);
  }
  return `${lines.join('\n')}\n`;
}

function milliseconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 600_000) throw new InvalidArgumentError('expected milliseconds between 1 and 600000');
  return parsed;
}

async function runDoctor(options: { json?: boolean; timeout: number }): Promise<void> {
  const env = parseEnv();
  const report = await buildModelReport(env, { timeoutMs: options.timeout });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatModelReport(report));
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('report which model providers are configured and answer, and which model each tier will use')
    .option('--json', 'print the report as JSON')
    .option('--timeout <ms>', 'time-out of each provider check, in milliseconds', milliseconds, 5000)
    .action(runDoctor);
}
