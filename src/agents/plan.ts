/**
 * The project plan: what the Requirements stage decided the request asks for, as one structured
 * artifact (`docs/plan.json`). The Requirements Parser writes it — a real model from the request,
 * the offline model from the deterministic analyser (./plan-from-request.ts) — and every later
 * stage chooses its agents, their instances and subjects from it when it starts
 * (`analysisFromPlan` feeds src/agents/selection.ts). A user may read and edit it between the
 * Requirements stage and the next (project option `reviewPlan`).
 *
 * Names are checked to be usable as identifiers and file names (letters, digits, spaces, `-`,
 * `_`), unique per list once normalised, and within the analyser's caps, so a plan from a model
 * cannot give an agent an instance key or a path the catalogue could not.
 */
import { z } from 'zod';
import { camelCase, kebabCase, pascalCase } from './naming.js';
import { MAX_ENTITIES, MAX_PAGES, groupEntities, sizeOf } from './request-analysis.js';
import { detectLanguage, PROGRAM_KINDS, type RequestKind } from './request-kind.js';
import type { RequestAnalysis } from './types.js';

/** Where the plan lives in the project's workspace. */
export const PLAN_PATH = 'docs/plan.json';

const REQUEST_KINDS = ['web-app', 'api', 'cli', 'library', 'script'] as const satisfies readonly RequestKind[];
const MAX_FIELDS = 20;
const MAX_INTEGRATIONS = 12;

// A letter, then letters, digits, spaces, `_` and `-`: one character class after the first letter, linear on any input.
// eslint-disable-next-line regexp/use-ignore-case -- no `i` flag: the OpenAPI document carries the pattern without its flags
const NAME = /^[A-Za-z][\w -]*$/;
const name = (what: string) =>
  z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(NAME, `a ${what} name starts with a letter and holds only letters, digits, spaces, "-" and "_"`);

const fieldSchema = z.object({
  name: name('field'),
  /** A type (`string`, `date`, `number` …) or the entity the field refers to (`User`). */
  type: name('type').optional(),
});

const entitySchema = z.object({
  name: name('entity'),
  fields: z.array(fieldSchema).max(MAX_FIELDS).default([]),
  /** The bounded context it belongs to (`identity`, `billing` …); grouped by its name when absent. */
  context: name('context').optional(),
});

const pageSchema = z.object({ name: name('page'), description: z.string().trim().max(600).optional() });
const integrationSchema = z.object({ name: name('integration'), purpose: z.string().trim().max(300).optional() });
const contradictionSchema = z.object({
  topic: z.string().trim().min(1).max(60),
  statements: z.array(z.string().trim().min(1).max(600)).min(2).max(4),
});

/** Names that collide once normalised (`TaskList`, `task list`) would give two agents one instance key. */
function uniqueBy<T extends { name: string }>(normalise: (text: string) => string) {
  return (items: T[], context: z.RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = normalise(item.name);
      if (key === '') context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${item.name}" has no letters or digits` });
      else if (seen.has(key)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `"${item.name}" is named twice` });
      seen.add(key);
    });
  };
}

export const planSchema = z.object({
  version: z.literal(1).default(1),
  title: z.string().trim().min(1).max(120),
  /** The request's goal in a paragraph. */
  summary: z.string().trim().max(2_000).default(''),
  kind: z.enum(REQUEST_KINDS),
  stack: z
    .object({
      /** The language or runtime the request names (`typescript`, `python` …), if any. */
      language: z.string().trim().min(1).max(40).optional(),
      /** Technologies the request asks for, in its words (`React`, `PostgreSQL` …). */
      wishes: z.array(z.string().trim().min(1).max(80)).max(20).default([]),
    })
    .default({ wishes: [] }),
  capabilities: z.object({ frontend: z.boolean(), api: z.boolean(), database: z.boolean(), realtime: z.boolean() }),
  entities: z
    .array(entitySchema)
    .max(MAX_ENTITIES)
    .superRefine(uniqueBy((text) => pascalCase(text))),
  pages: z
    .array(pageSchema)
    .max(MAX_PAGES)
    .superRefine(uniqueBy((text) => pascalCase(text))),
  integrations: z
    .array(integrationSchema)
    .max(MAX_INTEGRATIONS)
    .superRefine(uniqueBy((text) => kebabCase(text))),
  /** Performance, security, availability, accessibility, compliance … as the request states them. */
  nonFunctional: z.array(z.string().trim().min(1).max(300)).max(30).default([]),
  /** Statements of the request that cannot all hold, left for a person to settle. */
  contradictions: z.array(contradictionSchema).max(20).default([]),
  /** Derived from the counts of entities and pages when absent. */
  size: z.enum(['small', 'medium', 'large']).optional(),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

/** A plan that failed its schema; `field` is the path of the first value at fault (`entities.2.name`). */
export class InvalidPlanError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`the plan (${PLAN_PATH}) is invalid at ${field}: ${problem}`);
    this.name = 'InvalidPlanError';
  }
}

/** Validates a plan given as a value (an API body). */
export function parsePlan(value: unknown): Plan {
  const parsed = planSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InvalidPlanError(issue?.path.join('.') || '(root)', issue?.message ?? 'invalid');
}

/** Validates a plan given as the text of `docs/plan.json` (an agent's output, the workspace). */
export function parsePlanText(text: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidPlanError('(root)', `not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parsePlan(value);
}

/** The plan as written to the workspace: two-space JSON and a final newline. */
export const planText = (plan: Plan): string => `${JSON.stringify(plan, null, 2)}\n`;

/**
 * The analysis selection and the offline model read, from a plan. The same rules as the analyser:
 * a program (CLI, library, script) has no web client, web API or database server; a web client
 * with no pages named has a Home page.
 */
export function analysisFromPlan(plan: Plan): RequestAnalysis {
  const program = PROGRAM_KINDS.has(plan.kind);
  const hasFrontend = plan.capabilities.frontend && !program;
  const hasApi = plan.capabilities.api && !program;
  const hasDatabase = plan.capabilities.database && !program;
  const entities = plan.entities.map((entity) => pascalCase(entity.name));
  const entityFields = Object.fromEntries(
    plan.entities.map((entity, index) => [entities[index] ?? '', entity.fields.map((field) => (field.type ? `${camelCase(field.name)}:${pascalCase(field.type)}` : camelCase(field.name)))]),
  );
  const contextEntities: Record<string, string[]> = {};
  entities.forEach((entity, index) => {
    const stated = plan.entities[index]?.context;
    const context = stated === undefined ? (Object.keys(groupEntities([entity]))[0] ?? 'core') : kebabCase(stated);
    (contextEntities[context] ??= []).push(entity);
  });
  if (hasDatabase && entities.length === 0) contextEntities.core = [];
  const pages = hasFrontend ? plan.pages.map((page) => pascalCase(page.name)) : [];
  if (hasFrontend && pages.length === 0) pages.push('Home');
  const pageDescriptions = hasFrontend ? Object.fromEntries(plan.pages.flatMap((page) => (page.description ? [[pascalCase(page.name), page.description]] : []))) : {};
  const language = plan.stack.language === undefined ? undefined : (detectLanguage(plan.stack.language) ?? plan.stack.language.toLowerCase());
  return {
    title: plan.title,
    entities,
    pages,
    contexts: Object.keys(contextEntities),
    integrations: plan.integrations.map((integration) => kebabCase(integration.name)),
    hasFrontend,
    hasApi,
    hasDatabase,
    realtime: plan.capabilities.realtime,
    size: plan.size ?? sizeOf(entities.length, pages.length),
    entityFields,
    contextEntities,
    pageDescriptions,
    kind: plan.kind,
    ...(language === undefined ? {} : { language }),
  };
}

/** What the deterministic analysis cannot give on its own (the offline model finds these itself). */
export interface PlanExtras {
  summary?: string;
  stackWishes?: string[];
  nonFunctional?: string[];
  contradictions?: Plan['contradictions'];
}

/** A plan from the analyser's findings; `analysisFromPlan` gives the same analysis back. */
export function planFromAnalysis(analysis: RequestAnalysis, extras: PlanExtras = {}): Plan {
  const contextOf = new Map(Object.entries(analysis.contextEntities ?? {}).flatMap(([context, members]) => members.map((member) => [member, context] as const)));
  return parsePlan({
    version: 1,
    title: analysis.title,
    summary: extras.summary ?? '',
    kind: analysis.kind ?? 'web-app',
    stack: { ...(analysis.language === undefined ? {} : { language: analysis.language }), wishes: extras.stackWishes ?? [] },
    capabilities: { frontend: analysis.hasFrontend, api: analysis.hasApi, database: analysis.hasDatabase, realtime: analysis.realtime },
    entities: analysis.entities.map((entity) => ({
      name: entity,
      fields: (analysis.entityFields?.[entity] ?? []).map((field) => {
        const [fieldName = '', type] = field.split(':');
        return type ? { name: fieldName, type } : { name: fieldName };
      }),
      ...(contextOf.has(entity) ? { context: contextOf.get(entity) } : {}),
    })),
    pages: analysis.pages.map((page) => (analysis.pageDescriptions?.[page] ? { name: page, description: analysis.pageDescriptions[page] } : { name: page })),
    integrations: analysis.integrations.map((integration) => ({ name: integration })),
    nonFunctional: extras.nonFunctional ?? [],
    contradictions: extras.contradictions ?? [],
    size: analysis.size,
  });
}

/**
 * The plan as a prompt block, the same text for every agent of a project (so it can sit in the
 * shared, cached prefix of the prompt): a heading and the plan's JSON.
 */
export function renderPlanForPrompt(plan: Plan): string {
  return `## The plan (${PLAN_PATH})\nWhat the Requirements stage decided the request asks for; build exactly this.\n\`\`\`json\n${JSON.stringify(plan, null, 2)}\n\`\`\``;
}

/** How the model writes the plan: the shape, in the words of the schema. For the Requirements Parser's system prompt. */
export const PLAN_INSTRUCTIONS =
  `Write ${PLAN_PATH}, the plan the later stages are chosen from, as JSON: ` +
  '{"version": 1, "title": string, "summary": string, "kind": "web-app"|"api"|"cli"|"library"|"script", ' +
  '"stack": {"language"?: string, "wishes": [string]}, "capabilities": {"frontend": boolean, "api": boolean, "database": boolean, "realtime": boolean}, ' +
  `"entities": [{"name": string, "fields": [{"name": string, "type"?: string}], "context"?: string}] (at most ${MAX_ENTITIES}), ` +
  `"pages": [{"name": string, "description"?: string}] (at most ${MAX_PAGES}; none without a web client), "integrations": [{"name": string, "purpose"?: string}], ` +
  '"nonFunctional": [string], "contradictions": [{"topic": string, "statements": [string, string]}], "size"?: "small"|"medium"|"large"}. ' +
  'Names start with a letter and hold only letters, digits, spaces, "-" and "_"; a field\'s type is a plain type (string, number, date, boolean) or the name of another entity.';

/**
 * The plan file of an agent's answer, checked: a role that must produce the plan fails its attempt
 * (and is retried, like any answer that breaks the output contract) when the plan is missing or
 * does not match the schema; the message names the field at fault.
 */
export function checkPlanOutput(produces: readonly string[], files: readonly { path: string; content: string }[]): Plan | undefined {
  const file = files.find((candidate) => candidate.path === PLAN_PATH);
  if (!file) {
    if (produces.includes(PLAN_PATH)) throw new InvalidPlanError('(root)', `the answer has no ${PLAN_PATH}; the later stages are chosen from it`);
    return undefined;
  }
  return parsePlanText(file.content);
}
