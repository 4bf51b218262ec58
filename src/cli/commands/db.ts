/**
 * `zekka db …`: database administration. `db migrate` applies pending migrations to DATABASE_URL,
 * or, when it is unset, to the embedded PGlite database in ZEKKA_DATA_DIR.
 * Stdout carries one line per applied migration and a summary; logs go to stderr.
 */
import type { Command } from 'commander';
import { parseEnv } from '../../config/env.js';
import { openDatabase } from '../../db/database.js';
import { createLogger } from '../../logging/logger.js';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

async function runMigrate(): Promise<void> {
  const env = parseEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, service: 'zekka-db' });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.ZEKKA_DATA_DIR, allowEmbedded: true, migrate: true, logger, poolSize: 1 });
  try {
    const result = database.migration ?? { applied: [], alreadyApplied: 0 };
    for (const name of result.applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(
      result.applied.length > 0 ? `${plural(result.applied.length, 'migration')} applied\n` : `database is up to date (${plural(result.alreadyApplied, 'migration')})\n`,
    );
  } finally {
    await database.close();
  }
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database administration');
  db.command('migrate')
    .description('apply pending migrations to DATABASE_URL (or to the embedded PGlite database in ZEKKA_DATA_DIR when DATABASE_URL is unset)')
    .action(runMigrate);
}
