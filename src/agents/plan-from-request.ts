/**
 * The deterministic planner: the plan the offline model writes, from the request analyser's
 * findings (markdown sections or prose, src/agents/request-analysis.ts) plus the technologies and
 * non-functional needs the request states. No model: the same text always gives the same plan.
 * Every pattern is a plain alternation of words between `\b`s, run once per statement (linear).
 */
import { analyzeRequestCached } from './analysis-cache.js';
import { planFromAnalysis, type Plan } from './plan.js';
import { outlineRequest } from './request-analysis.js';

/** Technologies a request may ask for, in the spelling the plan uses. */
const TECHNOLOGIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['React', /\breact\b/i],
  ['Vue', /\bvue(?:\.?js)?\b/i],
  ['Svelte', /\bsvelte\b/i],
  ['Angular', /\bangular\b/i],
  ['Next.js', /\bnext\.?js\b/i],
  ['Express', /\bexpress(?:\.?js)?\b/i],
  ['Fastify', /\bfastify\b/i],
  ['NestJS', /\bnest\.?js\b/i],
  ['Django', /\bdjango\b/i],
  ['Flask', /\bflask\b/i],
  ['FastAPI', /\bfastapi\b/i],
  ['Rails', /\brails\b/i],
  ['Spring Boot', /\bspring boot\b/i],
  ['PostgreSQL', /\bpostgres(?:ql)?\b/i],
  ['MySQL', /\bmysql\b/i],
  ['SQLite', /\bsqlite\b/i],
  ['MongoDB', /\bmongo(?:db)?\b/i],
  ['Redis', /\bredis\b/i],
  ['Prisma', /\bprisma\b/i],
  ['GraphQL', /\bgraphql\b/i],
  ['Tailwind CSS', /\btailwind\b/i],
  ['Docker', /\bdocker\b/i],
  ['Kubernetes', /\b(?:kubernetes|k8s)\b/i],
  ['TypeScript', /\btypescript\b/i],
];

/** Words that mark a statement as a non-functional need. */
const NON_FUNCTIONAL =
  /\b(?:performance|fast|latency|response times?|throughput|scal(?:e|able|ability)|concurrent|uptime|availab(?:le|ility)|reliab(?:le|ility)|secur(?:e|ity)|encrypt\w*|gdpr|hipaa|compliance|audit(?:ed)?|accessib(?:le|ility)|wcag|responsive|mobile[- ]friendly|offline|backups?|retention|rate[- ]limit\w*|i18n|locali[sz](?:ed|ation)|translat\w*|within \d+\s*(?:ms|milliseconds|seconds?))\b/i;

const MAX_NEEDS = 30;

/** The request as statements: list items and sentences, markdown marks dropped. */
function statements(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .map((line) => line.replace(/^\s*(?:[-*+]|\d+[.)])\s+/, '').replace(/\*\*|__|`/g, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+(?=[A-Z])/))
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
}

export function stackWishes(text: string): string[] {
  return TECHNOLOGIES.filter(([, pattern]) => pattern.test(text))
    .map(([name, pattern]) => ({ name, at: text.search(pattern) }))
    .sort((a, b) => a.at - b.at)
    .map(({ name }) => name);
}

export function nonFunctionalNeeds(text: string): string[] {
  const needs = statements(text).filter((statement) => NON_FUNCTIONAL.test(statement) && statement.length <= 300);
  return [...new Set(needs)].slice(0, MAX_NEEDS);
}

/** The plan of a request without a model; `contradictions` come from the offline model's own finder. */
export function planFromRequest(text: string, contradictions: Plan['contradictions'] = []): Plan {
  return planFromAnalysis(analyzeRequestCached(text), {
    summary: outlineRequest(text).summary,
    stackWishes: stackWishes(text),
    nonFunctional: nonFunctionalNeeds(text),
    contradictions,
  });
}
