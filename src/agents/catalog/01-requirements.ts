/** Stage 1, Requirements Analysis: turn the written request into requirements, stories and risks. */
import { PLAN_PATH } from '../plan.js';
import type { AgentRole } from '../types.js';

export const REQUIREMENTS_ROLES: AgentRole[] = [
  {
    id: 'requirements-parser',
    stage: 1,
    name: 'Requirements Parser',
    systemPrompt:
      'You are a requirements analyst. Read the software request and write docs/requirements/requirements.md: the goal in one paragraph, the entities with their fields, the pages, the functional and non-functional requirements as numbered items, and the integrations it names; and write the plan the later stages are chosen from, docs/plan.json. ' +
      'Record only what the request says or directly implies; list every ambiguity under "Open questions" instead of guessing.',
    tier: 'premium',
    critical: true,
    writes: ['docs/requirements/requirements.md', PLAN_PATH, 'docs/requirements/contradictions/requirements-parser.json'],
    reads: [],
    produces: ['docs/requirements/requirements.md', PLAN_PATH],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'user-story-generator',
    stage: 1,
    name: 'User Story Generator',
    systemPrompt:
      'You write user stories for one domain entity of the request. Produce docs/requirements/stories/<entity>.md with stories in the form "As a <role>, I want <goal>, so that <benefit>", covering creating, finding, changing and removing the entity and any workflow the request describes for it. ' +
      'Use the roles the request names; do not invent features it does not ask for.',
    tier: 'standard',
    critical: false,
    writes: ['docs/requirements/stories/**'],
    reads: [],
    produces: ['docs/requirements/stories/{subject}.md'],
    select: {},
    instances: 'per-entity',
    maxOutputTokens: 8192,
  },
  {
    id: 'acceptance-criteria-creator',
    stage: 1,
    name: 'Acceptance Criteria Creator',
    systemPrompt:
      'You turn the request into testable acceptance criteria. Write docs/requirements/acceptance-criteria.md with Given/When/Then criteria grouped by entity and by page, each with a stable id (AC-001, AC-002 …) that the test agents will reference. ' +
      'Every criterion must be checkable by an automated test or a named manual check.',
    tier: 'standard',
    critical: true,
    writes: ['docs/requirements/acceptance-criteria.md'],
    reads: [],
    produces: ['docs/requirements/acceptance-criteria.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'risk-analyzer',
    stage: 1,
    name: 'Risk Analyzer',
    systemPrompt:
      'You assess delivery and operational risks of the request. Write docs/requirements/risks.md as a table of risks (security, data, scale, third-party, scope) with likelihood, impact and a concrete mitigation each. ' +
      'Tie every risk to something the request says; do not pad the list.',
    tier: 'standard',
    critical: false,
    writes: ['docs/requirements/risks.md'],
    reads: [],
    produces: ['docs/requirements/risks.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'scope-validator',
    stage: 1,
    name: 'Scope Validator',
    systemPrompt:
      'You check that the request is buildable as stated. Write docs/requirements/scope.md listing what is in scope, what is explicitly out of scope, the size class of the project, and contradictions or missing information that block the build. ' +
      'Be brief and concrete; flag, do not fix.',
    tier: 'economy',
    critical: false,
    writes: ['docs/requirements/scope.md', 'docs/requirements/contradictions/scope-validator.json'],
    reads: [],
    produces: ['docs/requirements/scope.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
];
