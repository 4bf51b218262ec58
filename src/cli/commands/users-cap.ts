/**
 * `zekka users cap <email> <usd|default>`: an account's monthly spending cap, across all its
 * projects (src/economics/user-spend.ts). `default` goes back to USER_SPEND_CAP_USD. Needs
 * DATABASE_URL and the Redis the workers use (REDIS_URL, REDIS_NAMESPACE): the current month's cap
 * is changed on Redis in the same step (src/economics/spend-cap-change.ts), so it holds for the
 * next call of every running project. Written to the audit log with no actor, like `users role`.
 */
import { InvalidArgumentError } from 'commander';
import { parseEnv } from '../../config/env.js';
import { openDatabase } from '../../db/database.js';
import { microsToUsd, usdToMicros } from '../../economics/pricing.js';
import { setUserSpendCap } from '../../economics/spend-cap-change.js';
import { effectiveCap, spendCapConfig, type SpendCapConfig } from '../../economics/user-spend.js';
import { createLogger } from '../../logging/logger.js';
import { createRedis } from '../../redis/connection.js';
import { redisTarget } from '../../config/redis-env.js';

const MAX_CAP_USD = 1_000_000_000;

/** `default` → null (the configured default); else dollars, 0 to 1e9, at most 6 decimals. */
export function parseCap(value: string): bigint | null {
  if (value.trim().toLowerCase() === 'default') return null;
  const usd = /^\d{1,10}(?:\.\d{1,6})?$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!(usd >= 0 && usd <= MAX_CAP_USD)) throw new InvalidArgumentError(`expected a number of US dollars from 0 to ${MAX_CAP_USD} (at most 6 decimals), or default`);
  return usdToMicros(usd);
}

function describe(own: bigint | null, config: SpendCapConfig): string {
  const cap = effectiveCap(own, config);
  const amount = cap === null ? 'no cap' : `$${microsToUsd(cap).toFixed(2)}`;
  return own === null ? `default (${amount})` : amount;
}

export async function setCap(emailArgument: string, capMicros: bigint | null): Promise<void> {
  const env = parseEnv();
  const config = spendCapConfig(env.USER_SPEND_CAP_USD);
  const logger = createLogger({ level: env.LOG_LEVEL, service: 'zekka-users' });
  // Two connections: the change reads the month's ledger while its transaction holds the user's row.
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.ZEKKA_DATA_DIR, allowEmbedded: true, migrate: false, logger, poolSize: 2 });
  const redis = createRedis({ target: redisTarget(env), name: 'zekka:cli:users', logger });
  try {
    const email = emailArgument.trim().toLowerCase();
    const user = await database.prisma.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) {
      process.stderr.write(`zekka: no account with the email ${email}\n`);
      process.exitCode = 1;
      return;
    }
    const changed = await setUserSpendCap({ prisma: database.prisma, redis, namespace: env.REDIS_NAMESPACE, userId: user.id, capMicros, config });
    process.stdout.write(`${email}: monthly spending cap ${describe(changed.from, config)} → ${describe(changed.to, config)}; spent this month $${microsToUsd(changed.month.spentMicros).toFixed(2)}\n`);
  } finally {
    await Promise.allSettled([redis.quit(), database.close()]);
  }
}
