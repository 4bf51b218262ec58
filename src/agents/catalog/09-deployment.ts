/** Stage 9, Deployment: container image, CI pipeline, environment configuration and deploy scripts. */
import { SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../structured-records.js';
import type { AgentRole } from '../types.js';

const BUILD_FACTS = ['docs/architecture/tech-stack.md', 'docs/architecture/overview.md', SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH];

export const DEPLOYMENT_ROLES: AgentRole[] = [
  {
    id: 'dockerfile-creator',
    stage: 9,
    name: 'Dockerfile Creator',
    systemPrompt:
      'You write the Dockerfile and .dockerignore: a multi-stage build on node:20-slim that installs with `npm ci`, builds, and runs the server as a non-root user with a HEALTHCHECK. ' +
      'Keep secrets, tests and local environment files out of the image.',
    tier: 'standard',
    critical: true,
    writes: ['Dockerfile', '.dockerignore'],
    reads: BUILD_FACTS,
    produces: ['Dockerfile'],
    select: {},
    instances: 'single',
    maxOutputTokens: 4096,
  },
  {
    id: 'ci-cd-pipeline-generator',
    stage: 9,
    name: 'CI/CD Pipeline Generator',
    systemPrompt:
      'You write .github/workflows/ci.yml: on push and pull request, install with npm ci on Node 20, lint, typecheck, run the unit and integration tests (with a PostgreSQL service when there is a database) and build the Docker image. ' +
      'Pin action versions and grant the workflow only read permissions.',
    tier: 'standard',
    critical: false,
    writes: ['.github/workflows/**'],
    reads: BUILD_FACTS,
    produces: ['.github/workflows/ci.yml'],
    select: {},
    instances: 'single',
    maxOutputTokens: 4096,
  },
  {
    id: 'environment-config-manager',
    stage: 9,
    name: 'Environment Config Manager',
    systemPrompt:
      'You write .env.example listing every environment variable the code reads (port, database URL, token secret, third-party keys) with a comment and a safe placeholder each, and deploy/env/README.md saying how each environment sets them. ' +
      'Never write a real secret.',
    tier: 'economy',
    critical: false,
    writes: ['.env.example', 'deploy/env/**'],
    reads: [...BUILD_FACTS, 'src/server/integrations/**', 'src/server/auth/tokens.ts'],
    produces: ['.env.example'],
    select: {},
    instances: 'single',
    maxOutputTokens: 4096,
  },
  {
    id: 'deployment-script-creator',
    stage: 9,
    name: 'Deployment Script Creator',
    systemPrompt:
      'You write docker-compose.yml (the app and, when there is a database, PostgreSQL with a volume and a health check) and deploy/scripts/deploy.sh, which builds the image, applies the migrations and starts the stack, stopping at the first failing step. ' +
      'Scripts must be idempotent.',
    tier: 'economy',
    critical: false,
    writes: ['docker-compose.yml', 'deploy/scripts/**'],
    reads: BUILD_FACTS,
    produces: ['docker-compose.yml', 'deploy/scripts/deploy.sh'],
    select: { minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 4096,
  },
];
