/** Offline generators of stage 1, Requirements Analysis. */
import { outlineRequest } from '../agents/request-analysis.js';
import type { AgentTask } from '../agents/agent-task.js';
import { PLAN_PATH } from '../agents/plan.js';
import { planFromRequest } from '../agents/plan-from-request.js';
import { contradictionRecord, findContradictions } from './contradictions.js';
import { acceptanceCriteria, openQuestions, statedRequirements } from './criteria.js';
import { domainModel, type EntityModel } from './domain.js';
import { bullets, file, jsonFile, output, slugOf, subjectName, type RoleGenerator } from './scaffold.js';

function fieldList(entity: EntityModel): string {
  const fields = [
    ...entity.scalars.map((field) => `${field.name} (${field.type}${field.required ? ', required' : ''})`),
    ...entity.relations.map((relation) => `${relation.name} → ${relation.target}`),
  ];
  return fields.length > 0 ? fields.join(', ') : 'no fields named';
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function capabilities(task: AgentTask): string[] {
  const a = task.analysis;
  return [
    `Web client: ${a.hasFrontend ? 'yes' : 'no'}`,
    `HTTP API: ${a.hasApi ? 'yes' : 'no'}`,
    `Database: ${a.hasDatabase ? 'yes' : 'no'}`,
    `Real-time updates: ${a.realtime ? 'yes' : 'no'}`,
    `Size: ${a.size} (${count(a.entities.length, 'entity', 'entities')}, ${count(a.pages.length, 'page', 'pages')}, ${count(a.integrations.length, 'integration', 'integrations')})`,
  ];
}

const requirementsParser: RoleGenerator = (task) => {
  const a = task.analysis;
  const outline = outlineRequest(task.requirements);
  const model = domainModel(a);
  const stated = statedRequirements(task.requirements);
  const path = 'docs/requirements/requirements.md';
  return output(`Requirements of "${a.title}": ${a.entities.length} entities, ${a.pages.length} pages, ${stated.length} stated requirements.`, [
    file(task, path, [
      `# ${a.title}: requirements`,
      '',
      '## Goal',
      '',
      outline.summary || '_The request has no introductory paragraph._',
      '',
      '## What the request asks for',
      '',
      ...bullets(capabilities(task)),
      '',
      '## Entities',
      '',
      ...bullets(model.entities.map((entity) => `**${entity.name}** (${entity.context}): ${fieldList(entity)}`)),
      '',
      '## Pages',
      '',
      ...bullets(a.pages.map((page) => `**${page}**${a.pageDescriptions?.[page] ? `: ${a.pageDescriptions[page]}` : ''}`)),
      '',
      '## Stated requirements',
      '',
      ...(stated.length > 0 ? stated.map((item, index) => `${index + 1}. FR-${index + 1}: ${item}`) : ['_The request lists no further requirements._']),
      '',
      '## Integrations',
      '',
      ...bullets(a.integrations),
      '',
      '## Open questions',
      '',
      ...bullets(openQuestions(a, task.requirements)),
    ]),
    // The plan the later stages are chosen from: the deterministic analyser's, through the same path a model's plan takes.
    jsonFile(task, PLAN_PATH, planFromRequest(task.requirements, findContradictions(task.requirements))),
  ]);
};

const userStoryGenerator: RoleGenerator = (task) => {
  const entity = domainModel(task.analysis).get(subjectName(task));
  const name = subjectName(task);
  const path = `docs/requirements/stories/${slugOf(task)}.md`;
  const stories = entity
    ? [
        `As a user, I want to create a ${name}${entity.scalars.length > 0 ? ` with its ${entity.scalars.map((field) => field.name).join(', ')}` : ''}, so that it is recorded.`,
        `As a user, I want to see a list of ${entity.plural}, so that I can find the one I need.`,
        `As a user, I want to open one ${name} and change it, so that it stays accurate.`,
        `As a user, I want to remove a ${name} I no longer need, so that lists stay relevant.`,
        ...entity.relations.map((relation) => `As a user, I want to link a ${name} to a ${relation.target}, so that related work stays together.`),
        ...entity.backRelations.map((back) => `As a user, I want to see the ${back.name} of a ${name}, so that I see everything that belongs to it.`),
        ...(task.analysis.realtime ? [`As a user, I want changes to ${entity.plural} made by others to appear without reloading, so that I work on current data.`] : []),
      ]
    : [`As a user, I want the application to do what the request describes for "${name}".`];
  return output(`${stories.length} user stories for ${name}.`, [
    file(task, path, [`# User stories: ${name}`, '', ...stories.map((story, index) => `${index + 1}. ${story}`)]),
  ]);
};

const acceptanceCriteriaCreator: RoleGenerator = (task) => {
  const criteria = acceptanceCriteria(task.analysis);
  const groups = [...new Set(criteria.map((criterion) => criterion.about))];
  return output(`${criteria.length} acceptance criteria in ${groups.length} groups.`, [
    file(task, 'docs/requirements/acceptance-criteria.md', [
      `# ${task.analysis.title}: acceptance criteria`,
      '',
      'Each criterion has a stable id that the tests cite.',
      ...groups.flatMap((group) => [
        '',
        `## ${group === 'general' ? 'Whole application' : group}`,
        '',
        ...criteria.filter((criterion) => criterion.about === group).map((criterion) => `- **${criterion.id}**: ${criterion.text}`),
      ]),
    ]),
  ]);
};

const riskAnalyzer: RoleGenerator = (task) => {
  const a = task.analysis;
  const personal = domainModel(a).entities.flatMap((entity) =>
    entity.scalars.filter((field) => /email|phone|address|birth|name/i.test(field.name)).map((field) => `${entity.name}.${field.name}`),
  );
  const risks: Array<[risk: string, likelihood: string, impact: string, mitigation: string]> = [];
  if (a.hasApi) risks.push(['Unauthorised access to records through the API', 'medium', 'high', 'Authenticate every route; deny by default; test 401/403 paths.']);
  if (personal.length > 0) risks.push([`Personal data stored (${personal.join(', ')})`, 'high', 'high', 'Minimise fields, restrict access, document retention and deletion.']);
  if (a.hasDatabase) risks.push(['Schema changes losing data', 'medium', 'high', 'Versioned SQL migrations, backups before deploys, no destructive migration without review.']);
  for (const name of a.integrations) {
    risks.push([`${name} outage, rate limit or key leak`, 'medium', 'medium', `Timeouts and retries with backoff around ${name}; keys only in the environment.`]);
  }
  if (a.realtime) risks.push(['Real-time connections exhausting server resources', 'medium', 'medium', 'Authenticate handshakes, cap connections per user, scale with a shared adapter.']);
  if (a.hasFrontend) risks.push(['Cross-site scripting through user-entered text', 'medium', 'high', 'Render text through React only, never as HTML; set a Content-Security-Policy.']);
  if (a.size === 'large') risks.push(['Scope too large for one delivery', 'high', 'medium', 'Deliver by bounded context; agree an order of delivery.']);
  return output(`${risks.length} risks identified.`, [
    file(task, 'docs/requirements/risks.md', [
      `# ${a.title}: risks`,
      '',
      '| # | Risk | Likelihood | Impact | Mitigation |',
      '|---|---|---|---|---|',
      ...risks.map(([risk, likelihood, impact, mitigation], index) => `| R${index + 1} | ${risk} | ${likelihood} | ${impact} | ${mitigation} |`),
    ]),
  ]);
};

const scopeValidator: RoleGenerator = (task) => {
  const a = task.analysis;
  const notAsked = [
    !a.hasFrontend && 'a web client',
    'native mobile apps',
    !a.integrations.some((name) => ['stripe', 'paypal', 'plaid'].includes(name)) && 'payments',
    'multiple languages',
    !a.realtime && 'real-time updates',
  ].filter((item): item is string => typeof item === 'string');
  const questions = openQuestions(a, task.requirements);
  return output(`Scope: ${a.size}; ${questions.length} open questions.`, [
    file(task, 'docs/requirements/scope.md', [
      `# ${a.title}: scope`,
      '',
      `Size class: **${a.size}** (${a.entities.length} entities, ${a.pages.length} pages).`,
      '',
      '## In scope',
      '',
      ...bullets([
        ...a.entities.map((entity) => `${entity} records`),
        ...a.pages.map((page) => `${page} page`),
        ...a.integrations.map((name) => `${name} integration`),
      ]),
      '',
      '## Not requested (out of scope unless added)',
      '',
      ...bullets(notAsked),
      '',
      '## Blockers and open questions',
      '',
      ...bullets(questions),
    ]),
  ]);
};

/** The role's own files plus the contradictions it flags in the request, if any. */
const flagging =
  (generator: RoleGenerator): RoleGenerator =>
  (task) => {
    const answer = generator(task);
    return output(answer.summary, [...answer.files, ...contradictionRecord(task)]);
  };

export const REQUIREMENTS_GENERATORS: Record<string, RoleGenerator> = {
  'requirements-parser': flagging(requirementsParser),
  'user-story-generator': userStoryGenerator,
  'acceptance-criteria-creator': acceptanceCriteriaCreator,
  'risk-analyzer': riskAnalyzer,
  'scope-validator': flagging(scopeValidator),
};
