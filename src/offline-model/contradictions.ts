/**
 * Contradictions the offline model flags in a request, deterministically: pairs of statements
 * that cannot both hold (serverless vs a dedicated server, offline-first vs always online), and one
 * setting stated twice with different values (sessions expire after 15 vs 60 minutes). Only
 * obvious ones: a rule fires on two different sentences of the request, never on one.
 */
import { contradictionRecordPath } from '../agents/structured-records.js';
import type { AgentTask } from '../agents/agent-task.js';
import { jsonFile, type OutputFile } from './scaffold.js';

export interface Contradiction {
  topic: string;
  statements: [string, string];
}

const NEGATED = /\b(?:not|no|never|without)\b/i;

const OPPOSITES: readonly { topic: string; a: RegExp; b: RegExp }[] = [
  { topic: 'hosting', a: /\bserverless\b/i, b: /\b(?:dedicated|bare[- ]metal|on[- ]prem(?:ise|ises)?)\s+(?:servers?|machines?|hardware|hosts?)\b/i },
  { topic: 'connectivity', a: /\boffline[- ]first\b|\bworks? (?:fully )?offline\b/i, b: /\b(?:always|permanently) online\b|\brequires? an? (?:internet|network) connection\b/i },
];

const DURATION = String.raw`(\d+)\s*(seconds?|minutes?|hours?|days?|weeks?|months?|years?)`;

/** A setting and how a statement gives its value (the captured groups form the value). */
const SETTINGS: readonly { topic: string; pattern: RegExp; before?: RegExp }[] = [
  // The gaps between words are bounded, and "session" is looked for before the match rather than
  // inside it: unbounded lazy gaps made these quadratic to cubic in a long sentence of requirements.
  { topic: 'session-timeout', before: /\bsessions?\b/i, pattern: new RegExp(String.raw`\b(?:expire|expires|time out|times out|timeout|last|lasts)\b[^.\n\d]{1,80}${DURATION}`, 'i') },
  { topic: 'data-retention', pattern: new RegExp(String.raw`\b(?:kept|retained|retention|stored|deleted)\b[^.\n\d]{1,80}?(?:for|after|of)\s+${DURATION}`, 'i') },
  { topic: 'page-size', pattern: /\b(\d+)\s+(?:items|rows|results|entries|records)\s+per\s+page\b/i },
  { topic: 'password-length', before: /\bpasswords?\b/i, pattern: /\b(?:at least|minimum(?: of)?|min\.?)\s+(\d+)\s+characters\b/i },
  { topic: 'rate-limit', pattern: /\b(\d+)\s+requests?\s+(?:per|a|an|each)\s+(second|minute|hour|day)\b/i },
];

/** The request as statements: lines, then sentences; markdown bullets and emphasis dropped. */
function statements(requirements: string): string[] {
  return requirements
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/^\s*(?:[-*+]|\d+[.)]|#{1,6})\s+/, '').replace(/\*\*|__|`/g, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z])/))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Singular unit, so "1 hour" and "1 hours" are one value. */
const valueOf = (match: RegExpExecArray): string =>
  match
    .slice(1)
    .filter((part): part is string => part !== undefined)
    .map((part) => part.toLowerCase().replace(/s$/, ''))
    .join(' ');

export function findContradictions(requirements: string): Contradiction[] {
  const found: Contradiction[] = [];
  const all = statements(requirements);
  for (const rule of OPPOSITES) {
    const a = all.find((s) => rule.a.test(s) && !rule.b.test(s) && !NEGATED.test(s));
    const b = all.find((s) => rule.b.test(s) && !rule.a.test(s) && !NEGATED.test(s));
    if (a && b) found.push({ topic: rule.topic, statements: [a, b] });
  }
  for (const setting of SETTINGS) {
    const byValue = new Map<string, string>();
    for (const statement of all) {
      const match = setting.pattern.exec(statement);
      if (match && setting.before && !setting.before.test(statement.slice(0, match.index))) continue;
      if (match && !byValue.has(valueOf(match))) byValue.set(valueOf(match), statement);
    }
    const [first, second] = [...byValue.values()];
    if (first && second) found.push({ topic: setting.topic, statements: [first, second] });
  }
  return found;
}

/** The role's contradictions record, written only when it found any. */
export function contradictionRecord(task: AgentTask): OutputFile[] {
  const contradictions = findContradictions(task.requirements);
  if (contradictions.length === 0) return [];
  return [jsonFile(task, contradictionRecordPath(task.agentId), { agent: task.agentId, contradictions })];
}
