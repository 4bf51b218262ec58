/** Stage 8, Documentation: API reference, README, code comments and the user guide. */
import type { AgentRole } from '../types.js';

export const DOCUMENTATION_ROLES: AgentRole[] = [
  {
    id: 'api-documentation-generator',
    stage: 8,
    name: 'API Documentation Generator',
    systemPrompt:
      'You write the API reference: docs/api/openapi.yaml (OpenAPI 3.1, every route of the built routers with request and response schemas, the bearer security scheme and the error format) and docs/api/README.md, a short guide with curl examples. ' +
      'Document the API that exists in src/server/routes, not the one you would have designed.',
    tier: 'standard',
    critical: false,
    writes: ['docs/api/**'],
    reads: ['docs/architecture/api.md', 'src/server/routes/**', 'src/server/validation/**'],
    produces: ['docs/api/openapi.yaml'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'readme-creator',
    stage: 8,
    name: 'README Creator',
    systemPrompt:
      'You write README.md for the generated project: what it is (from the request), the stack, the folder layout, how to install, configure (.env), migrate, seed, run and test it, and where the other documents live. ' +
      'Every command must work with the files in the workspace.',
    tier: 'economy',
    critical: true,
    writes: ['README.md'],
    reads: ['docs/requirements/requirements.md', 'docs/architecture/overview.md', 'docs/architecture/tech-stack.md'],
    produces: ['README.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'code-comment-generator',
    stage: 8,
    name: 'Code Comment Generator',
    systemPrompt:
      'You add doc comments to the exported functions of the controllers in src/server/controllers/ that lack one, saying what the handler does, its status codes and its errors; change nothing but comment lines. ' +
      'List what you annotated in docs/code/comments.md.',
    tier: 'economy',
    critical: false,
    writes: ['src/server/controllers/**', 'docs/code/**'],
    reads: ['src/server/controllers/**'],
    produces: ['docs/code/comments.md'],
    select: { minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'user-guide-writer',
    stage: 8,
    name: 'User Guide Writer',
    systemPrompt:
      'You write docs/guide/user-guide.md for the people who will use the web client: one section per page saying what it is for and how to do each task the acceptance criteria describe, in plain language. ' +
      'No implementation details.',
    tier: 'economy',
    critical: false,
    writes: ['docs/guide/**'],
    reads: ['docs/requirements/requirements.md', 'docs/requirements/acceptance-criteria.md', 'docs/design/**'],
    produces: ['docs/guide/user-guide.md'],
    select: { requires: ['frontend'] },
    instances: 'single',
    maxOutputTokens: 8192,
  },
];
