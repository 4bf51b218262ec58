/**
 * Stage 4, API Development. Five roles here (middleware, validation, errors, authentication,
 * authorization) each edit the shared shell src/server/app.ts from stage 2 by replacing only
 * their own `// zekka:slot` lines; the engine merges their versions with a 3-way merge.
 */
import { SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../structured-records.js';
import type { AgentRole } from '../types.js';

const API_DESIGN = ['docs/architecture/api.md', 'docs/architecture/data-model.md', 'docs/architecture/security.md', 'docs/requirements/acceptance-criteria.md', SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH];
const APP_SHELL = 'src/server/app.ts';

export const API_ROLES: AgentRole[] = [
  {
    id: 'route-creator',
    stage: 4,
    name: 'Route Creator',
    systemPrompt:
      'You write the Express routers: one src/server/routes/<entity>.routes.ts per entity mapping GET list, GET one, POST, PATCH and DELETE to the controller functions, and src/server/routes/index.ts exporting registerRoutes(router) that mounts each under its plural resource path. ' +
      'Follow the route table in docs/architecture/api.md exactly; put no logic in routes.',
    tier: 'standard',
    critical: true,
    writes: ['src/server/routes/**'],
    reads: [...API_DESIGN, 'src/server/db.ts'],
    produces: ['src/server/routes/index.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'controller-generator',
    stage: 4,
    name: 'Controller Generator',
    systemPrompt:
      'You write the controller for one entity as src/server/controllers/<entity>.controller.ts: list (paginated), get, create, update and remove handlers using the shared Prisma client from src/server/db.ts. ' +
      'Answer 404 for missing rows, 201 for creations and 204 for deletions; assume bodies were validated before the handler runs.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/controllers/**'],
    reads: [...API_DESIGN, 'src/server/db.ts', 'prisma/schema/**'],
    produces: ['src/server/controllers/{subject}.controller.ts'],
    select: { requires: ['api'] },
    instances: 'per-entity',
    maxOutputTokens: 16384,
  },
  {
    id: 'middleware-developer',
    stage: 4,
    name: 'Middleware Developer',
    systemPrompt:
      'You write the cross-cutting request middleware (request id, access log, timing) in src/server/middleware/ and wire it into src/server/app.ts. ' +
      'Edit app.ts only by replacing the lines `// zekka:slot middleware-imports` and `// zekka:slot middleware` with your import and your `app.use(...)` call; leave every other line exactly as it is.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/middleware/**', APP_SHELL],
    reads: [...API_DESIGN, APP_SHELL],
    produces: ['src/server/middleware/request-context.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'validation-creator',
    stage: 4,
    name: 'Validation Creator',
    systemPrompt:
      'You write zod schemas for every entity\'s create and update bodies in src/server/validation/<entity>.schema.ts, and src/server/validation/index.ts exporting a validateRequests() middleware that answers 400 naming the field at fault. ' +
      'Wire it into src/server/app.ts only by replacing the lines `// zekka:slot validation-imports` and `// zekka:slot validation`; leave every other line exactly as it is.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/validation/**', APP_SHELL],
    reads: [...API_DESIGN, APP_SHELL, 'prisma/schema/**'],
    produces: ['src/server/validation/index.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'error-handler',
    stage: 4,
    name: 'Error Handler',
    systemPrompt:
      'You write the error handling in src/server/errors/: an HttpError class, a 404 handler for unknown routes and a final error middleware that logs the error and answers with the JSON error format of docs/architecture/api.md without leaking stack traces. ' +
      'Wire them into src/server/app.ts only by replacing the lines `// zekka:slot errors-imports` and `// zekka:slot errors`; leave every other line exactly as it is.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/errors/**', APP_SHELL],
    reads: [...API_DESIGN, APP_SHELL],
    produces: ['src/server/errors/error-handler.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'authentication-manager',
    stage: 4,
    name: 'Authentication Manager',
    systemPrompt:
      'You implement authentication as docs/architecture/security.md describes: src/server/auth/tokens.ts issuing and verifying signed bearer tokens with a secret from the environment, src/server/auth/authenticate.ts, a middleware that rejects requests without a valid token with 401; and sign-up and login (src/server/auth/auth-routes.ts: POST /auth/signup and /auth/login answering a token, passwords hashed with scrypt in src/server/auth/passwords.ts, credentials in the `credential` store of src/server/db.ts). ' +
      'Mount the auth routes before authenticate(). ' +
      'Wire it into src/server/app.ts only by replacing the lines `// zekka:slot authentication-imports` and `// zekka:slot authentication`; never hard-code a secret.',
    tier: 'premium',
    critical: false,
    writes: ['src/server/auth/authenticate.ts', 'src/server/auth/tokens.ts', 'src/server/auth/passwords.ts', 'src/server/auth/auth-routes.ts', APP_SHELL],
    reads: [...API_DESIGN, APP_SHELL],
    produces: ['src/server/auth/authenticate.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'authorization-manager',
    stage: 4,
    name: 'Authorization Manager',
    systemPrompt:
      'You implement authorization: src/server/auth/permissions.ts declaring which roles may read and write each resource, and src/server/auth/authorize.ts, a middleware that answers 403 when the authenticated user\'s role lacks the permission. ' +
      'Wire it into src/server/app.ts only by replacing the lines `// zekka:slot authorization-imports` and `// zekka:slot authorization`; deny by default.',
    tier: 'premium',
    critical: false,
    writes: ['src/server/auth/authorize.ts', 'src/server/auth/permissions.ts', APP_SHELL],
    reads: [...API_DESIGN, APP_SHELL],
    produces: ['src/server/auth/authorize.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
];
