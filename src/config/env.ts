/**
 * The environment schema: every variable Zekka reads, parsed once at start-up.
 * `.env.example` and the README's table document the same list; keep the three in step.
 */
import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { modelPricesEnv, wholeMicros } from './model-prices.js';
import { redisEnvProblems, redisEnvShape } from './redis-env.js';
import { secretWeakness } from './secret-strength.js';

/** USER_SPEND_CAP_USD's default: a month of heavy use of the premium models, not an open cheque. */
export const DEFAULT_USER_SPEND_CAP_USD = 100;

const PORT_MESSAGE = 'must be a port number from 1 to 65535';
const port = (fallback: number) => z.coerce.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE).default(fallback);
const optionalString = z.string().trim().min(1).optional();
const optionalUrl = z.url().optional();
const MODEL_REF = '(?:anthropic|gemini|ollama|offline):[^,\\s]+';
/** `provider:model` entries, comma-separated, e.g. `gemini:gemini-2.5-pro,anthropic:claude-sonnet-4-6`. */
const modelList = z
  .string()
  .trim()
  .regex(new RegExp(`^${MODEL_REF}(?:\\s*,\\s*${MODEL_REF})*$`), 'a comma-separated list of provider:model (providers: anthropic, gemini, ollama, offline)')
  .optional();
const WINDOW_ENTRY = '(?:anthropic|gemini|ollama|offline):[^,\\s=]+=\\d+';
/** `provider:model=tokens` entries, e.g. `ollama:llama3.2=32768,anthropic:claude-sonnet-4-6=1000000`. */
const contextWindows = z
  .string()
  .trim()
  .regex(new RegExp(`^${WINDOW_ENTRY}(?:\\s*,\\s*${WINDOW_ENTRY})*$`), 'a comma-separated list of provider:model=tokens, e.g. ollama:llama3.2=32768')
  .optional();
const perMinute = z.coerce.number().int().positive().optional();
const level = z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']);

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    LISTEN_ADDRESS: z
      .string()
      .trim()
      .regex(/^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f:]+)$/, 'an address or host name to listen on, e.g. 0.0.0.0, 127.0.0.1, :: or localhost')
      .default('0.0.0.0'),
    PORT: port(3000),
    ARBITRATOR_PORT: port(3001),
    WORKER_METRICS_PORT: port(9464),
    // REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES and their credentials: src/config/redis-env.ts.
    ...redisEnvShape,
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    /** How long a worker's or arbitrator's database access waits for PostgreSQL to come back (src/db/patient-pool.ts); 0: fail at once. */
    /** Connections each process keeps to PostgreSQL at most (Prisma and the engine's plain SQL share them). */
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
    DATABASE_OUTAGE_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
    ZEKKA_DATA_DIR: z.string().min(1).default('data'),
    REDIS_NAMESPACE: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only').default('zekka'),
    QUEUE_PREFIX: z.string().min(1).max(64).regex(/^[^:\s]+$/, 'must not contain ":" or spaces').default('{zekka}'),
    // No default: `zekka api`, `worker` and `arbitrator` refuse to start without it, `zekka dev` and
    // `zekka demo` generate one into ZEKKA_DATA_DIR (src/config/jwt-secret.ts). A weak value is refused everywhere.
    JWT_SECRET: z
      .string()
      .superRefine((secret, ctx) => {
        const weakness = secretWeakness(secret);
        if (weakness) ctx.addIssue({ code: 'custom', message: weakness });
      })
      .optional(),
    JWT_EXPIRES_IN: z.coerce.number().int().positive().default(3600),
    ANTHROPIC_API_KEY: optionalString,
    ANTHROPIC_BASE_URL: optionalUrl,
    GEMINI_API_KEY: optionalString,
    GEMINI_BASE_URL: optionalUrl,
    OLLAMA_HOST: optionalUrl,
    OFFLINE_LATENCY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
    DEFAULT_BUDGET_USD: z.coerce.number().positive().max(1_000_000).default(10),
    /** Each account's monthly spending cap across its projects (src/economics/user-spend.ts); `none`: no cap. */
    USER_SPEND_CAP_USD: z
      .union([
        z.literal('none'),
        z.coerce
          .number({ error: 'a number of US dollars (0 to 1000000000), or none' })
          .min(0, 'a number of US dollars (0 to 1000000000), or none')
          .max(1_000_000_000, 'a number of US dollars (0 to 1000000000), or none')
          .refine(wholeMicros, 'at most 6 decimals (micro-dollars)'),
      ], { error: 'a number of US dollars (0 to 1000000000), or none' })
      .default(DEFAULT_USER_SPEND_CAP_USD),
    WORKER_QUEUES: z.string().min(1).default('*'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(20),
    /** Agent jobs get fair-share priorities so projects interleave on shared agent queues (src/engine/fair-share.ts). */
    AGENT_FAIR_SHARE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((value) => value === 'true'),
    /** Agent jobs one project may run at once across the cluster while other projects run agents (src/engine/agent-slot-cap.ts); 0: no bound. */
    AGENT_MAX_ACTIVE_PER_PROJECT: z.coerce.number().int().min(0).max(100_000).default(0),
    QUEUE_CONCURRENCY: z
      .string()
      .regex(/^\s*[^=,\s]+\s*=\s*\d+\s*(,\s*[^=,\s]+\s*=\s*\d+\s*)*$/, 'must be a list like "agent.frontend-*=5,stage.*=20"')
      .optional(),
    JOB_LOCK_DURATION_MS: z.coerce.number().int().min(1_000).max(600_000).optional(),
    FILE_LOCK_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
    FILE_LOCK_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    VERIFY_SOFTWARE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((value) => value === 'true'),
    VERIFY_WORK_DIR: z.string().trim().min(1).refine((path) => !/^\/tmp(?:\/|$)/.test(path), 'must be outside /tmp (the sandbox mounts its own /tmp)').optional(),
    VERIFY_CACHE_DIR: z.string().trim().min(1).refine((path) => !/^\/tmp(?:\/|$)/.test(path), 'must be outside /tmp (the sandbox mounts its own /tmp)').optional(),
    VERIFY_MAX_REPAIR_ROUNDS: z.coerce.number().int().min(0).max(10).default(2),
    /** Caps the wall time of every verification command (install, build, test); unset: each profile's own limit (up to 5 min). */
    VERIFY_COMMAND_MAX_MS: z.coerce.number().int().min(1_000).max(3_600_000).optional(),
    LOG_LEVEL: level.default('info'),
    MODEL_PRICES: modelPricesEnv.optional(),
    MODELS_PREMIUM: modelList,
    MODELS_STANDARD: modelList,
    MODELS_ECONOMY: modelList,
    /** Context windows (tokens) per model, replacing the catalogue's defaults (src/models/model-catalog.ts). */
    MODEL_CONTEXT_WINDOWS: contextWindows,
    /** The most tokens any one agent call sends, whatever its model's window (a cost cap); unset: the window. */
    MODEL_CONTEXT_TOKENS: z.coerce.number({ error: 'a number of tokens (4096 to 10000000)' }).int().min(4_096, 'at least 4096 tokens').max(10_000_000).optional(),
    MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
    PROMPT_CACHING: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true').transform((value) => value === 'true'),
    MODEL_MAX_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    /** How long a call refused by a budget that calls in flight hold waits for them to give back what they do not use. */
    MODEL_BUDGET_WAIT_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
    ANTHROPIC_REQUESTS_PER_MINUTE: perMinute,
    ANTHROPIC_TOKENS_PER_MINUTE: perMinute,
    GEMINI_REQUESTS_PER_MINUTE: perMinute,
    GEMINI_TOKENS_PER_MINUTE: perMinute,
    OLLAMA_REQUESTS_PER_MINUTE: perMinute,
    OLLAMA_TOKENS_PER_MINUTE: perMinute,
    CORS_ORIGINS: z
      .string()
      .trim()
      .regex(/^https?:\/\/[^,\s/]+(\s*,\s*https?:\/\/[^,\s/]+)*$/, 'a comma-separated list of origins like https://app.example.com')
      .optional(),
    TRUST_PROXY: z
      .string()
      .trim()
      .regex(/^(true|false|\d{1,2}|[\w.:/,\s-]+)$/, 'true, false, a hop count, or addresses/subnets (loopback, 10.0.0.0/8 …)')
      .optional(),
    API_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).max(50_000_000).default(2_000_000),
    RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(60_000),
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(1_200),
    RATE_LIMIT_AUTH_WINDOW_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
    RATE_LIMIT_AUTH_MAX_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(50),
    // Failed logins per account across all addresses before only known addresses get through (src/api/auth/login-throttle.ts).
    RATE_LIMIT_AUTH_MAX_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(100),
    RATE_LIMIT_AUTH_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    RATE_LIMIT_AUTH_DELAY_BASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(1_000),
    RATE_LIMIT_AUTH_DELAY_MAX_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),
    RATE_LIMIT_AUTH_PAIR_MEMORY_MS: z.coerce.number().int().min(1_000).max(30 * 86_400_000).default(86_400_000),
    REALTIME_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
    REALTIME_SUBSCRIBE_BURST: z.coerce.number().int().min(1).max(10_000).default(10),
    REALTIME_SUBSCRIBES_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
    REALTIME_REPLAY_MAX_EVENTS: z.coerce.number().int().min(10).max(20_000).default(500),
    // Up to 5 s: the promise that a socket closes within 5 s of a revoked key or a changed role.
    REALTIME_RECHECK_INTERVAL_MS: z.coerce.number().int().min(100).max(5_000).default(2_000),
    PROVIDER_KEYS_ENCRYPTION_KEY: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,88}(\s*,\s*[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=_-]{43,88})*$/, 'a comma-separated list of <id>:<base64 of 32 bytes>, the current key first')
      // Checked here, not when the first key is sealed or opened: a wrong-length key stops the process at start.
      .refine((spec) => spec.split(',').every((entry) => Buffer.from(entry.slice(entry.indexOf(':') + 1).trim(), 'base64').length === 32), 'each key must be exactly 32 bytes (base64: 44 characters)')
      .optional(),
    ARBITRATION_STRATEGIES: z
      .string()
      .trim()
      .regex(/^(merge|gemini|claude|ollama|human)(\s*,\s*(merge|gemini|claude|ollama|human))*$/, 'a comma-separated list of merge, gemini, claude, ollama, human')
      .default('merge,gemini,claude,ollama,human'),
    ARBITRATION_MODELS: modelList,
    ARBITRATION_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(256).max(200_000).default(16_000),
    ARBITRATION_MAX_FILE_BYTES: z.coerce.number().int().min(1_024).max(10_000_000).default(1_000_000),
    GITHUB_TOKEN: optionalString,
    GITHUB_REPO: z.string().trim().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name of a GitHub repository').optional(),
    GITHUB_API_URL: z.url().default('https://api.github.com'),
    GITHUB_WEBHOOK_SECRET: optionalString,
    /** The API's public base URL; GitHub review issues link to the conflict there. */
    PUBLIC_API_URL: optionalUrl,
  })
  .superRefine((env, ctx) => {
    for (const issue of redisEnvProblems(env)) ctx.addIssue({ code: 'custom', ...issue });
    if (env.RATE_LIMIT_AUTH_PAIR_MEMORY_MS < env.RATE_LIMIT_AUTH_DELAY_MAX_MS) {
      // Forgetting a pair sooner than its longest wait would let a guesser wait it out and start afresh.
      ctx.addIssue({ code: 'custom', path: ['RATE_LIMIT_AUTH_PAIR_MEMORY_MS'], message: 'must be at least RATE_LIMIT_AUTH_DELAY_MAX_MS' });
    }
    if (env.RATE_LIMIT_AUTH_DELAY_BASE_MS > env.RATE_LIMIT_AUTH_DELAY_MAX_MS) {
      ctx.addIssue({ code: 'custom', path: ['RATE_LIMIT_AUTH_DELAY_BASE_MS'], message: 'must be at most RATE_LIMIT_AUTH_DELAY_MAX_MS' });
    }
  });

export type Env = z.infer<typeof envSchema>;

const SECRET = /KEY|SECRET|PASSWORD|TOKEN/;

/** How a bad value is echoed back: secrets never, credentials in URLs masked. */
function shown(name: string, raw: string): string {
  if (SECRET.test(name)) return '(value hidden)';
  return JSON.stringify(raw.replace(/\/\/[^/@\s]*@/, '//***@'));
}

/** Parses an environment (default: `process.env`); empty strings count as unset. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = envSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const raw = cleaned[name];
    return raw === undefined ? `${name} is missing: ${issue.message}` : `${name}=${shown(name, raw)}: ${issue.message}`;
  });
  throw new ConfigError(problems);
}
