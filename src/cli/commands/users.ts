/**
 * `zekka users role <email> <user|admin>`: who administers this Zekka. (`zekka users cap`, an
 * account's monthly spending cap, is in ./users-cap.ts.) Run by an operator with
 * DATABASE_URL (the API has no route that makes admins: the first one has to come from somewhere
 * that is not the API). Prints the change; exits 1 naming the problem for an unknown account.
 * The change is written to the audit log with no actor (an operator at the console), and announced
 * on Redis so every API replica closes that user's open sockets at once (they reconnect with the new
 * role); when Redis cannot be reached the replicas' periodic re-check closes them within seconds.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { parseEnv } from '../../config/env.js';
import { publishCredentialChange } from '../../api/auth/credential-changes.js';
import type { Env } from '../../config/env.js';
import { openDatabase } from '../../db/database.js';
import { createLogger, type Logger } from '../../logging/logger.js';
import { createRedis } from '../../redis/connection.js';
import { redisTarget } from '../../config/redis-env.js';
import { parseCap, setCap } from './users-cap.js';

/** How long the CLI waits for Redis to take the credentials-changed message. */
const ANNOUNCE_TIMEOUT_MS = 3_000;

const ROLES = ['user', 'admin'] as const;
type Role = (typeof ROLES)[number];

function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new InvalidArgumentError(`expected one of ${ROLES.join(', ')}`);
}

async function setRole(emailArgument: string, role: Role): Promise<void> {
  const env = parseEnv();
  const logger = createLogger({ level: env.LOG_LEVEL, service: 'zekka-users' });
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.ZEKKA_DATA_DIR, allowEmbedded: true, migrate: false, logger, poolSize: 1 });
  try {
    const email = emailArgument.trim().toLowerCase();
    const user = await database.prisma.user.findUnique({ where: { email }, select: { id: true, role: true } });
    if (!user) {
      process.stderr.write(`zekka: no account with the email ${email}\n`);
      process.exitCode = 1;
      return;
    }
    if (user.role === role) {
      process.stdout.write(`${email} is already ${role}\n`);
      return;
    }
    await database.prisma.$transaction([
      database.prisma.user.update({ where: { id: user.id }, data: { role } }),
      database.prisma.auditLogEntry.create({ data: { actorId: null, action: 'user.role_changed', targetType: 'user', targetId: user.id, details: { from: user.role, to: role, via: 'cli' } } }),
    ]);
    process.stdout.write(`${email}: ${user.role} → ${role}\n`);
    await announceChange(env, logger, user.id);
  } finally {
    await database.close();
  }
}

/** Tells the API replicas to re-check this user's sockets now; the change itself is already saved. */
async function announceChange(env: Env, logger: Logger, userId: string): Promise<void> {
  // Queued until connected (not fail-fast): the publish waits for the connection, bounded below.
  const redis = createRedis({ target: redisTarget(env), name: 'zekka:cli:users', logger });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ANNOUNCE_TIMEOUT_MS} ms`)), ANNOUNCE_TIMEOUT_MS);
    });
    await Promise.race([publishCredentialChange(redis, env.REDIS_NAMESPACE, userId), timeout]);
  } catch (error) {
    process.stderr.write(`zekka: could not tell the API replicas through Redis (${error instanceof Error ? error.message : String(error)}); open sockets are re-checked within seconds anyway\n`);
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('account administration (needs DATABASE_URL)');
  users
    .command('role')
    .description("set an account's role: admin (sees every project, opens Bull Board) or user")
    .argument('<email>', 'the account')
    .argument('<role>', `one of ${ROLES.join(', ')}`, parseRole)
    .action(setRole);
  users
    .command('cap')
    .description("set an account's monthly spending cap across all its projects (US dollars, UTC calendar month), or default (USER_SPEND_CAP_USD)")
    .argument('<email>', 'the account')
    .argument('<usd>', 'US dollars, e.g. 250 or 0 (no spending), or default', parseCap)
    .action(setCap);
}
