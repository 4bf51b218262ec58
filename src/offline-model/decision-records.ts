/**
 * The offline model's design decisions, derived from the request text. Each architecture role
 * decides some topics and reads the request its own way: some take the technology the request
 * names first, others the one it names last (the latest word). A request that names one database
 * gives every role the same answer; a request that names two (say PostgreSQL and MongoDB) makes
 * the Database Designer and the Tech Stack Selector disagree, which the stage reports as a design
 * conflict — the same thing two real models reading an ambiguous request would do.
 */
import { decisionRecordPath } from '../agents/structured-records.js';
import type { AgentTask } from '../agents/agent-task.js';
import { jsonFile, type OutputFile } from './scaffold.js';

export type DecisionTopic = 'database' | 'framework' | 'auth' | 'messaging';
export type Reading = 'first' | 'last';

interface Candidate {
  choice: string;
  pattern: RegExp;
}

const CANDIDATES: Readonly<Record<DecisionTopic, readonly Candidate[]>> = {
  database: [
    { choice: 'postgresql', pattern: /\bpostgres(?:ql)?\b/gi },
    { choice: 'mysql', pattern: /\bmysql\b/gi },
    { choice: 'mariadb', pattern: /\bmariadb\b/gi },
    { choice: 'mongodb', pattern: /\bmongo(?:db)?\b/gi },
    { choice: 'sqlite', pattern: /\bsqlite\b/gi },
    { choice: 'dynamodb', pattern: /\bdynamodb\b/gi },
  ],
  framework: [
    { choice: 'express', pattern: /\bexpress(?:\.js|js)?\b(?!\s+(?:delivery|shipping|checkout))/gi },
    { choice: 'fastify', pattern: /\bfastify\b/gi },
    { choice: 'nestjs', pattern: /\bnest(?:\.js|js)\b/gi },
    { choice: 'koa', pattern: /\bkoa\b/gi },
    { choice: 'hapi', pattern: /\bhapi\b/gi },
  ],
  auth: [
    { choice: 'jwt', pattern: /\bjwts?\b|\bjson web tokens?\b/gi },
    { choice: 'session-cookies', pattern: /\bsession cookies?\b|\bserver-side sessions?\b/gi },
    { choice: 'oauth2', pattern: /\boauth ?2?(?:\.0)?\b/gi },
  ],
  messaging: [
    { choice: 'kafka', pattern: /\bkafka\b/gi },
    { choice: 'rabbitmq', pattern: /\brabbitmq\b/gi },
    { choice: 'sqs', pattern: /\bsqs\b/gi },
    { choice: 'nats', pattern: /\bnats\b/gi },
  ],
};

/** What the stack uses when the request names nothing for a topic (messaging: nothing). */
function defaultChoice(task: AgentTask, topic: DecisionTopic): string | undefined {
  const a = task.analysis;
  if (topic === 'database') return a.hasDatabase ? 'postgresql' : undefined;
  if (topic === 'framework') return a.hasApi ? 'express' : undefined;
  if (topic === 'auth') return a.hasApi ? 'jwt' : undefined;
  return undefined;
}

/** The choices the request names for a topic, by the position of their first and last mention. */
function mentions(requirements: string, topic: DecisionTopic): { choice: string; first: number; last: number }[] {
  return CANDIDATES[topic].flatMap(({ choice, pattern }) => {
    const positions = [...requirements.matchAll(pattern)].map((m) => m.index);
    return positions.length === 0 ? [] : [{ choice, first: Math.min(...positions), last: Math.max(...positions) }];
  });
}

export function decide(task: AgentTask, topic: DecisionTopic, reading: Reading): { choice: string; reason: string } | undefined {
  const named = mentions(task.requirements, topic);
  if (named.length === 0) {
    const choice = defaultChoice(task, topic);
    return choice ? { choice, reason: `the request names no ${topic}; ${choice} is the stack's default` } : undefined;
  }
  const pick = reading === 'first' ? named.reduce((a, b) => (b.first < a.first ? b : a)) : named.reduce((a, b) => (b.last > a.last ? b : a));
  const reason =
    named.length === 1
      ? `the request names ${pick.choice}`
      : `the request names ${named.map((n) => n.choice).join(' and ')}; ${pick.choice} is the one it names ${reading === 'first' ? 'first' : 'last (its latest word)'}`;
  return { choice: pick.choice, reason };
}

/** The role's decisions record, or nothing when it has no topic to decide. */
export function decisionRecord(
  task: AgentTask,
  topics: Readonly<Partial<Record<DecisionTopic, Reading>>>,
  extra: Readonly<Record<string, { choice: string; reason: string }>> = {},
): OutputFile[] {
  const decisions: Record<string, { choice: string; reason: string }> = { ...extra };
  for (const [topic, reading] of Object.entries(topics) as [DecisionTopic, Reading][]) {
    const decision = decide(task, topic, reading);
    if (decision) decisions[topic] = decision;
  }
  if (Object.keys(decisions).length === 0) return [];
  return [jsonFile(task, decisionRecordPath(task.agentId), { agent: task.agentId, decisions })];
}
