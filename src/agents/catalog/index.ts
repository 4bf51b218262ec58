/**
 * The agent catalogue: 55 roles across the ten stages, as data. Adding a role is adding an entry
 * to one of the stage files; the engine, the selection and the offline model read it from here.
 */
import { NotFoundError } from '../../errors/app-error.js';
import { kebabCase } from '../naming.js';
import type { AgentRole, StageNumber } from '../types.js';
import { REQUIREMENTS_ROLES } from './01-requirements.js';
import { ARCHITECTURE_ROLES } from './02-architecture.js';
import { DATABASE_ROLES } from './03-database.js';
import { API_ROLES } from './04-api.js';
import { FRONTEND_ROLES } from './05-frontend.js';
import { INTEGRATION_ROLES } from './06-integration.js';
import { TESTING_ROLES } from './07-testing.js';
import { DOCUMENTATION_ROLES } from './08-documentation.js';
import { DEPLOYMENT_ROLES } from './09-deployment.js';
import { QA_ROLES } from './10-qa.js';

/** All roles in stage order, and in catalogue order within a stage. */
export const AGENT_ROLES: readonly AgentRole[] = Object.freeze([
  ...REQUIREMENTS_ROLES,
  ...ARCHITECTURE_ROLES,
  ...DATABASE_ROLES,
  ...API_ROLES,
  ...FRONTEND_ROLES,
  ...INTEGRATION_ROLES,
  ...TESTING_ROLES,
  ...DOCUMENTATION_ROLES,
  ...DEPLOYMENT_ROLES,
  ...QA_ROLES,
]);

const BY_ID = new Map(AGENT_ROLES.map((role) => [role.id, role]));

/** The role with this id; throws NotFoundError for an unknown id. */
export function getRole(id: string): AgentRole {
  const role = BY_ID.get(id);
  if (!role) throw new NotFoundError(`agent role "${id}"`);
  return role;
}

export function rolesOfStage(stage: StageNumber): AgentRole[] {
  return AGENT_ROLES.filter((role) => role.stage === stage);
}

/**
 * The `{subject}` used when a per-page / per-entity / … role runs without a subject: a critical
 * role whose request names no such subject, or a role forced in by the user's options.
 */
export const GENERAL_SUBJECT = 'general';

/** The subject as it appears in paths and instance keys: kebab-case, `general` when absent. */
export function subjectSlug(subject?: string): string {
  return (subject === undefined ? '' : kebabCase(subject)) || GENERAL_SUBJECT;
}

/** The paths one instance of a role must produce: `produces` with `{subject}` filled in. */
export function producedPaths(role: AgentRole, subject?: string): string[] {
  const slug = subjectSlug(subject);
  return role.produces.map((pattern) => pattern.replaceAll('{subject}', slug));
}
