/**
 * Deterministic heuristics over a markdown software request: what it is called, which entities,
 * pages and integrations it names, whether it wants a web client, an API, a database and real-time
 * updates, and how big it is. No model is involved, so the same text always gives the same plan.
 *
 * Explicit sections win over inference: a `## Entities` (or `## Data`, `## Models`) bullet list
 * names the entities and their fields, a `## Pages` (or `## Screens`) list names the pages.
 * Without them, entities are the capitalised nouns after verbs like "manage" or "track", and pages
 * are implied by words like "dashboard" or "login".
 */
import { parseHeading, splitItem, stripAsides, unlink } from './markdown-scan.js';
import { camelCase, pascalCase, singularize } from './naming.js';
import { proseEntities } from './prose-entities.js';
import { PROGRAM_KINDS, detectKind, detectLanguage } from './request-kind.js';
import type { RequestAnalysis } from './types.js';

export const MAX_ENTITIES = 12;
export const MAX_PAGES = 16;
const MAX_FIELDS = 20;

export interface RequestSection {
  heading: string;
  level: number;
  /** The section's lines up to the next heading of the same or a higher level. */
  lines: string[];
}

export interface RequestOutline {
  title: string;
  /** The first paragraph of prose, e.g. the request's one-line pitch. */
  summary: string;
  sections: RequestSection[];
}

export interface ListItem {
  name: string;
  /** Text after the name (`- Task: title, due date` → `title, due date`). */
  detail: string;
  /** Nested bullets under the item. */
  children: string[];
}

// Every pattern and scanner here runs on submitted text on the API's event loop: each must be
// linear in its input (lint: regexp/no-super-linear-backtracking, redos/no-vulnerable).
// `(\S.*)?` rather than `(.*)` after `\s+`, so the two cannot trade characters when `$` fails.
const BULLET = /^(\s*)(?:[-*+]|\d+[.)])\s+(\S.*)?$/;

function plain(text: string): string {
  return unlink(text.replace(/\*\*|__|`/g, '')).trim();
}

/** For each heading, the index of the next heading of the same or a higher level (a stack: linear). */
function sectionEnds(headings: Array<{ index: number; level: number }>, lineCount: number): number[] {
  const ends = headings.map(() => lineCount);
  const open: number[] = [];
  headings.forEach((heading, position) => {
    while (open.length > 0 && (headings[open[open.length - 1] ?? 0]?.level ?? 0) >= heading.level) ends[open.pop() ?? 0] = heading.index;
    open.push(position);
  });
  return ends;
}

export function outlineRequest(text: string): RequestOutline {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const headings = lines.flatMap((line, index) => {
    const match = parseHeading(line);
    return match ? [{ index, level: match.level, heading: plain(match.text) }] : [];
  });
  const ends = sectionEnds(headings, lines.length);
  const sections = headings.map((heading, position) => ({
    heading: heading.heading,
    level: heading.level,
    lines: lines.slice(heading.index + 1, ends[position]),
  }));
  const firstText = lines.find((line) => line.trim() !== '');
  const title = (headings[0]?.heading ?? plain((firstText ?? '').replace(BULLET, '$2'))).slice(0, 120) || 'Untitled project';

  const paragraph: string[] = [];
  for (const line of lines.slice((headings[0]?.index ?? (firstText ? lines.indexOf(firstText) : 0)) + 1)) {
    if (parseHeading(line) || BULLET.test(line) || line.trim() === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line.trim());
  }
  return { title, summary: plain(paragraph.join(' ')).slice(0, 600), sections };
}

/** The first section whose heading matches, e.g. /^(entities|data)\b/i. */
export function findSection(outline: RequestOutline, pattern: RegExp): RequestSection | undefined {
  return outline.sections.find((section) => pattern.test(section.heading));
}

/** Top-level bullets of a section (nested bullets become children), or its sub-headings as items. */
export function listItems(section: RequestSection): ListItem[] {
  const items: ListItem[] = [];
  let underHeading: ListItem | undefined;
  let current: ListItem | undefined;
  for (const line of section.lines) {
    const heading = parseHeading(line);
    if (heading) {
      underHeading = current = { ...splitItem(plain(heading.text)), children: [] };
      items.push(current);
      continue;
    }
    const bullet = BULLET.exec(line);
    if (!bullet) continue;
    const text = plain(bullet[2] ?? '');
    if (underHeading) underHeading.children.push(text);
    else if ((bullet[1]?.length ?? 0) >= 2 && current) current.children.push(text);
    else {
      current = { ...splitItem(text), children: [] };
      items.push(current);
    }
  }
  return items;
}

export const ENTITY_SECTION = /^(entities|data|data model|domain( model)?|models|resources)\b/i;
export const PAGE_SECTION = /^(pages|screens|views|ui|user interface)\b/i;
const ENTITY_VERBS =
  /\b(?:manage|manages|managing|track|tracks|tracking|store|stores|storing|organi[sz]es?|organi[sz]ing|records?|recording|schedules?|scheduling|books?|booking|catalogu?e?s?)\s+([^\s.;:!?][^.;:!?\n]*)/gi;
const CLAUSE_END = new Set(['for', 'with', 'in', 'to', 'by', 'from', 'that', 'which', 'who', 'so', 'on', 'at', 'into', 'across', 'per', 'using', 'via']);
const NOT_ENTITIES = new Set(['API', 'APIs', 'UI', 'REST', 'JSON', 'CLI', 'HTTP', 'SQL', 'I', 'The', 'Their', 'Our', 'Your', 'All', 'Each', 'Every']);

/**
 * Field names in camelCase. A one-word hint in parentheses or after a colon is kept as
 * `name:Hint` (`assignee (User)` → `assignee:User`, `due (date)` → `due:Date`): it names the
 * entity the field refers to, or the field's type.
 */
function parseFields(item: ListItem): string[] {
  const raw = [...item.detail.split(/[,;]|\band\b/), ...item.children];
  const fields: string[] = [];
  const names = new Set<string>();
  // Stops at the cap: a detail of thousands of distinct fields must not cost thousands squared.
  for (const text of raw) {
    if (fields.length === MAX_FIELDS) break;
    const token = text.split(/\s[—–-]\s/)[0] ?? '';
    const hint = /\(\s*([A-Z][A-Z0-9]*)\s*\)|:\s*([A-Z][A-Z0-9]*)\s*$/i.exec(token);
    const bare = stripAsides(token).trim();
    if (bare === '' || bare.split(/\s+/).length > 3) continue;
    const name = camelCase(bare);
    if (name === '' || name.length > 40 || names.has(name)) continue;
    names.add(name);
    const type = hint?.[1] ?? hint?.[2];
    fields.push(type ? `${name}:${pascalCase(type)}` : name);
  }
  return fields;
}

function entitiesFromSection(outline: RequestOutline): { entities: string[]; fields: Record<string, string[]> } | undefined {
  const section = findSection(outline, ENTITY_SECTION);
  if (!section) return undefined;
  const entities: string[] = [];
  const fields: Record<string, string[]> = {};
  for (const item of listItems(section)) {
    const name = pascalCase(singularize(item.name));
    if (name === '' || entities.includes(name) || name.length > 40) continue;
    entities.push(name);
    fields[name] = parseFields(item);
    if (entities.length === MAX_ENTITIES) break;
  }
  return entities.length > 0 ? { entities, fields } : undefined;
}

function entitiesFromProse(text: string): string[] {
  const entities: string[] = [];
  for (const match of text.matchAll(ENTITY_VERBS)) {
    for (const word of (match[1] ?? '').split(/[\s,/]+/)) {
      if (CLAUSE_END.has(word.toLowerCase())) break;
      if (!/^[A-Z][a-z]+(?:[A-Z][a-z]+)*$/.test(word) || NOT_ENTITIES.has(word)) continue;
      const name = pascalCase(singularize(word));
      if (!entities.includes(name)) entities.push(name);
      if (entities.length === MAX_ENTITIES) return entities;
    }
  }
  return entities;
}

const IMPLIED_PAGES: Array<[string, RegExp]> = [
  ['Login', /\b(log ?in|sign ?in|authenticat\w*)\b/i],
  ['Signup', /\b(sign ?up|register|registration)\b/i],
  ['Dashboard', /\bdashboards?\b/i],
  ['Search', /\bsearch\b/i],
  ['Calendar', /\bcalendar\b/i],
  ['Checkout', /\bcheckout\b/i],
  ['Reports', /\breports?\b/i],
  ['Profile', /\bprofiles?\b/i],
  ['Settings', /\bsettings\b/i],
  ['Admin', /\badmin\b/i],
];

/** `Task board page` → `Task board`, as `.replace(/\s+(page|screen|view)$/i, '')` did without rescanning every run of spaces. */
function withoutPageWord(name: string): string {
  const word = /(?:page|screen|view)$/i.exec(name);
  if (!word) return name;
  const kept = name.slice(0, word.index).trimEnd();
  return kept.length < word.index ? kept : name;
}

function pagesOf(outline: RequestOutline, text: string): { pages: string[]; descriptions: Record<string, string> } {
  const section = findSection(outline, PAGE_SECTION);
  const descriptions: Record<string, string> = {};
  const pages: string[] = [];
  for (const item of section ? listItems(section) : []) {
    const name = pascalCase(withoutPageWord(item.name));
    if (name === '' || pages.includes(name) || name.length > 40) continue;
    pages.push(name);
    if (item.detail !== '') descriptions[name] = item.detail;
    if (pages.length === MAX_PAGES) break;
  }
  if (pages.length > 0) return { pages, descriptions };
  const implied = IMPLIED_PAGES.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
  return { pages: implied.length > 0 ? implied : ['Home'], descriptions };
}

/** Known third-party services, matched case-insensitively as whole words. */
export const KNOWN_INTEGRATIONS: ReadonlyArray<readonly [string, RegExp]> = [
  ['stripe', /\bstripe\b/i],
  ['paypal', /\bpaypal\b/i],
  ['sendgrid', /\bsend ?grid\b/i],
  ['mailgun', /\bmailgun\b/i],
  ['postmark', /\bpostmark\b/i],
  ['twilio', /\btwilio\b/i],
  ['slack', /\bslack\b/i],
  ['discord', /\bdiscord\b/i],
  ['github', /\bgithub\b/i],
  ['s3', /\b(aws |amazon )?s3\b/i],
  ['auth0', /\bauth0\b/i],
  ['okta', /\bokta\b/i],
  ['google', /\bgoogle\b/i],
  ['firebase', /\bfirebase\b/i],
  ['openai', /\bopenai\b/i],
  ['algolia', /\balgolia\b/i],
  ['sentry', /\bsentry\b/i],
  ['shopify', /\bshopify\b/i],
  ['mapbox', /\bmapbox\b/i],
  ['cloudinary', /\bcloudinary\b/i],
  ['plaid', /\bplaid\b/i],
];

/** Entities are grouped into bounded contexts by the words of their names; the rest is `core`. */
const CONTEXT_WORDS: ReadonlyArray<readonly [string, string[]]> = [
  ['identity', ['user', 'account', 'profile', 'role', 'permission', 'team', 'member', 'membership', 'organization', 'organisation', 'session', 'invitation', 'invite', 'tenant', 'group']],
  ['billing', ['invoice', 'payment', 'subscription', 'plan', 'price', 'charge', 'refund', 'order', 'cart', 'coupon', 'transaction', 'wallet']],
  ['catalog', ['product', 'category', 'inventory', 'sku', 'variant', 'brand', 'listing', 'review']],
  ['communication', ['message', 'comment', 'notification', 'email', 'chat', 'conversation', 'thread', 'reply', 'mention', 'announcement']],
  ['scheduling', ['event', 'booking', 'appointment', 'reservation', 'calendar', 'slot', 'shift', 'meeting']],
  ['content', ['article', 'post', 'document', 'file', 'attachment', 'media', 'image', 'tag', 'blog']],
];

export function groupEntities(entities: string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const entity of entities) {
    const words = entity.split(/(?=[A-Z])/).map((word) => word.toLowerCase());
    const context = CONTEXT_WORDS.find(([, keywords]) => words.some((word) => keywords.includes(word)))?.[0] ?? 'core';
    (groups[context] ??= []).push(entity);
  }
  return groups;
}

const NO_FRONTEND = /\b(?:api[- ]only|backend[- ]only|back-end[- ]only|server[- ]only|headless|no (?:ui|gui|frontend|front-end|web ui|web client|user interface))\b/i;
const FRONTEND_HINT = /\b(?:pages?|screens?|ui|user interface|dashboards?|web ?app|website|frontend|front-end|react|forms?|views?|browser)\b/i;
const API_HINT = /\b(?:api|apis|endpoints?|rest|graphql|server|backend|back-end|http|webhooks?)\b/i;
const CLI_HINT = /\b(?:cli|command[- ]line)\b/i;
const NO_API = /\b(?:static (?:site|website|pages?)|no (?:api|backend|back-end|server))\b/i;
const NO_DATABASE = /\b(?:no database|without (?:a )?database|stateless|no persistence|in-memory only)\b/i;
const DATABASE_HINT = /\b(?:database|persist\w*|stores?|stored|storage|postgres(?:ql)?|mysql|sqlite|mongo(?:db)?|prisma|sql)\b/i;
const REALTIME_HINT =
  /\b(?:web ?sockets?|real[- ]?time|socket\.io|server[- ]sent events|push notifications?|notifications?|live (?:updates?|feed|chat|data|dashboards?|collaboration|cursors?))\b/i;

export function sizeOf(entities: number, pages: number): RequestAnalysis['size'] {
  if (entities >= 8 || pages >= 8) return 'large';
  if (entities <= 3 && pages <= 2) return 'small';
  return 'medium';
}

export function analyzeRequest(text: string): RequestAnalysis {
  const outline = outlineRequest(text);
  const fromSection = entitiesFromSection(outline);
  // Prose: the capitalised nouns after "manage"/"track" first, then the nouns the tagger finds.
  const entities = fromSection?.entities ?? [...new Set([...entitiesFromProse(text), ...proseEntities(text)])].slice(0, MAX_ENTITIES);
  const entityFields = fromSection?.fields ?? Object.fromEntries(entities.map((entity) => [entity, [] as string[]]));

  const hasPageSection = findSection(outline, PAGE_SECTION) !== undefined;
  const cliOnly = CLI_HINT.test(text) && !API_HINT.test(text) && !hasPageSection;
  const servedFrontend = !NO_FRONTEND.test(text) && (hasPageSection || (!cliOnly && (FRONTEND_HINT.test(text) || !API_HINT.test(text))));
  const servedApi = !NO_API.test(text) && !cliOnly;
  const kind = detectKind(text, { hasFrontend: servedFrontend, hasApi: servedApi });
  // A command-line tool, library or script is a program: no web client, no web API, no database server.
  const program = PROGRAM_KINDS.has(kind);
  const hasFrontend = servedFrontend && !program;
  const hasApi = servedApi && !program;
  const hasDatabase = !program && !NO_DATABASE.test(text) && (entities.length > 0 || DATABASE_HINT.test(text));
  const language = detectLanguage(text);
  const { pages, descriptions } = hasFrontend ? pagesOf(outline, text) : { pages: [], descriptions: {} };

  const contextEntities = groupEntities(entities);
  if (hasDatabase && entities.length === 0) contextEntities.core = [];
  const integrations = KNOWN_INTEGRATIONS.filter(([, pattern]) => pattern.test(text))
    .map(([name, pattern]) => ({ name, at: text.search(pattern) }))
    .sort((a, b) => a.at - b.at)
    .map(({ name }) => name);

  return {
    title: outline.title,
    entities,
    pages,
    contexts: Object.keys(contextEntities),
    integrations,
    hasFrontend,
    hasApi,
    hasDatabase,
    realtime: REALTIME_HINT.test(text),
    size: sizeOf(entities.length, pages.length),
    entityFields,
    contextEntities,
    pageDescriptions: descriptions,
    kind,
    ...(language === undefined ? {} : { language }),
  };
}
