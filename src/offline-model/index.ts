/**
 * The offline model's role generators, one per catalogue role, and the dispatcher that turns a
 * task into the agents' output contract (src/agents/output.ts).
 */
import { NotFoundError } from '../errors/app-error.js';
import type { AgentOutput } from '../agents/output.js';
import type { AgentTask } from '../agents/agent-task.js';
import { API_CROSS_CUTTING_GENERATORS } from './api-cross-cutting.js';
import { API_RESOURCE_GENERATORS } from './api-resources.js';
import { ARCHITECTURE_GENERATORS } from './architecture.js';
import { DATABASE_GENERATORS } from './database.js';
import { DEPLOYMENT_GENERATORS } from './deployment.js';
import { DOCUMENTATION_GENERATORS } from './documentation.js';
import { FRONTEND_PAGE_GENERATORS } from './frontend-pages.js';
import { FRONTEND_SHELL_GENERATORS } from './frontend-shell.js';
import { INTEGRATION_GENERATORS } from './integration.js';
import { PYTHON_GENERATORS } from './python/index.js';
import { joinReviewParts, QA_GENERATORS } from './qa.js';
import { REQUIREMENTS_GENERATORS } from './requirements.js';
import type { RoleGenerator } from './scaffold.js';
import { layoutOf } from '../agents/role-layout.js';
import { TESTING_GENERATORS } from './testing.js';

export type { RoleGenerator } from './scaffold.js';

/** Role id → generator, for every role of the catalogue. */
export const ROLE_GENERATORS: Readonly<Record<string, RoleGenerator>> = Object.freeze({
  ...REQUIREMENTS_GENERATORS,
  ...ARCHITECTURE_GENERATORS,
  ...DATABASE_GENERATORS,
  ...API_RESOURCE_GENERATORS,
  ...API_CROSS_CUTTING_GENERATORS,
  ...FRONTEND_PAGE_GENERATORS,
  ...FRONTEND_SHELL_GENERATORS,
  ...INTEGRATION_GENERATORS,
  ...TESTING_GENERATORS,
  ...DOCUMENTATION_GENERATORS,
  ...DEPLOYMENT_GENERATORS,
  ...QA_GENERATORS,
});

export function generateOffline(task: AgentTask): AgentOutput {
  // A reviewing role's parts are joined; the final validation judges the whole again, from the map.
  if (task.review?.kind === 'merge' && task.agentId !== 'final-validation-agent') return joinReviewParts(task);
  // A Python program's roles write the Python layout (src/agents/layouts/python-layout.ts).
  const python = layoutOf(task.analysis) === 'python' && Object.hasOwn(PYTHON_GENERATORS, task.agentId) ? PYTHON_GENERATORS[task.agentId] : undefined;
  const generator = python ?? (Object.hasOwn(ROLE_GENERATORS, task.agentId) ? ROLE_GENERATORS[task.agentId] : undefined);
  if (!generator) throw new NotFoundError(`offline generator for agent "${task.agentId}"`);
  return generator(task);
}
