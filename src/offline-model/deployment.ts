/** Offline generators of stage 9, Deployment. */
import { file, output, type RoleGenerator } from './scaffold.js';
import { integrationEnv } from './integration.js';

/**
 * The image runs the TypeScript sources with tsx (a runtime dependency of the generated project),
 * the same way `npm start` does: the tsconfig only type-checks (`noEmit`), so there is no `dist/`
 * to copy. The build stage proves the code type-checks before the image exists.
 */
const dockerfileCreator: RoleGenerator = (task) => {
  const a = task.analysis;
  return output('Multi-stage Dockerfile (node:20-slim, type-checked, runs the sources with tsx as a non-root user, health check) and .dockerignore.', [
    file(task, 'Dockerfile', [
      'FROM node:20-slim AS build',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci --ignore-scripts',
      'COPY . .',
      'RUN npm run typecheck',
      ...(a.hasDatabase ? ['RUN npm run db:generate'] : []),
      ...(a.hasFrontend ? ['RUN npm run build:web'] : []),
      'RUN npm prune --omit=dev',
      '',
      'FROM node:20-slim',
      'ENV NODE_ENV=production',
      'WORKDIR /app',
      'COPY --from=build --chown=node:node /app/node_modules ./node_modules',
      'COPY --from=build --chown=node:node /app/package.json /app/tsconfig.json ./',
      'COPY --from=build --chown=node:node /app/src ./src',
      ...(a.hasDatabase ? ['COPY --from=build --chown=node:node /app/prisma ./prisma'] : []),
      ...(a.hasFrontend ? ['COPY --from=build --chown=node:node /app/web/dist ./web/dist'] : []),
      'USER node',
      'EXPOSE 3000',
      'HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch(\'http://localhost:3000/health\').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"',
      '# node itself is PID 1 with tsx as its loader, so SIGTERM from `docker stop` reaches the server.',
      'CMD ["node", "--import", "tsx", "src/server/server.ts"]',
    ]),
    file(task, '.dockerignore', ['node_modules', 'dist', 'web/dist', 'tests', '.git', '.github', '.env', '.env.*', '!.env.example', 'coverage', '*.log']),
  ]);
};

const ciCdPipelineGenerator: RoleGenerator = (task) => {
  const a = task.analysis;
  return output(`GitHub Actions CI: npm ci, typecheck, tests${a.hasDatabase ? ', migrations on PostgreSQL' : ''}, image build.`, [
    file(task, '.github/workflows/ci.yml', [
      'name: ci',
      'on:',
      '  push:',
      '    branches: [main]',
      '  pull_request:',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      ...(a.hasDatabase
        ? [
            '    services:',
            '      postgres:',
            '        image: postgres:16',
            '        env:',
            '          POSTGRES_PASSWORD: postgres',
            '          POSTGRES_DB: app_test',
            '        ports: ["5432:5432"]',
            '        options: >-',
            '          --health-cmd "pg_isready -U postgres" --health-interval 5s --health-timeout 5s --health-retries 10',
            '    env:',
            '      DATABASE_URL: postgresql://postgres:postgres@localhost:5432/app_test',
            '      AUTH_TOKEN_SECRET: ci-only-secret-of-at-least-32-characters',
          ]
        : ['    env:', '      AUTH_TOKEN_SECRET: ci-only-secret-of-at-least-32-characters']),
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@v4',
      '        with:',
      '          node-version: 20',
      '          cache: npm',
      // The project's own scripts: what the verification ran in Zekka's sandbox.
      '      - run: npm ci',
      '      - run: npm run typecheck',
      ...(a.hasDatabase ? ['      - run: npm run db:migrate'] : []),
      // In-memory stores, as in Zekka's sandbox; the migrations above are proven on PostgreSQL.
      '      - run: npm test',
      ...(a.hasFrontend ? ['      - run: npm run build:web'] : []),
      '  image:',
      '    needs: test',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: docker build -t app:${{ github.sha }} .',
    ]),
  ]);
};

const environmentConfigManager: RoleGenerator = (task) => {
  const a = task.analysis;
  const integrationVars = a.integrations.flatMap((name) => ['', `# ${name}`, ...integrationEnv(name).map((variable) => `${variable}=`)]);
  return output(`.env.example with ${4 + a.integrations.length} groups of variables and deploy/env/README.md.`, [
    file(task, '.env.example', [
      '# Copy to .env and fill in. Never commit .env.',
      '# Port the API listens on.',
      'PORT=3000',
      ...(a.hasDatabase ? ['# PostgreSQL connection string.', 'DATABASE_URL=postgresql://app:change-me@localhost:5432/app'] : []),
      '# At least 32 random characters, e.g. `openssl rand -base64 48`.',
      'AUTH_TOKEN_SECRET=',
      ...(a.hasFrontend ? ['# Where the web client finds the API.', 'VITE_API_URL=/api'] : []),
      ...integrationVars,
    ]),
    file(task, 'deploy/env/README.md', [
      `# ${a.title}: environments`,
      '',
      '- Local: `.env` copied from `.env.example`.',
      '- CI: variables in the workflow (test values only).',
      '- Production: the platform secret store (never files in the image); rotate `AUTH_TOKEN_SECRET` by deploying a new value (signed-in users sign in again).',
    ]),
  ]);
};

const deploymentScriptCreator: RoleGenerator = (task) => {
  const a = task.analysis;
  return output(`docker-compose.yml (app${a.hasDatabase ? ' + postgres' : ''}) and an idempotent deploy script.`, [
    file(task, 'docker-compose.yml', [
      'services:',
      '  app:',
      '    build: .',
      '    env_file: .env',
      '    ports: ["3000:3000"]',
      ...(a.hasDatabase
        ? [
            '    environment:',
            '      DATABASE_URL: postgresql://app:app@postgres:5432/app',
            '    depends_on:',
            '      postgres:',
            '        condition: service_healthy',
            '  postgres:',
            '    image: postgres:16',
            '    environment:',
            '      POSTGRES_USER: app',
            '      POSTGRES_PASSWORD: app',
            '      POSTGRES_DB: app',
            '    volumes: ["pgdata:/var/lib/postgresql/data"]',
            '    healthcheck:',
            '      test: ["CMD", "pg_isready", "-U", "app"]',
            '      interval: 5s',
            '      retries: 10',
            'volumes:',
            '  pgdata: {}',
          ]
        : []),
    ]),
    file(task, 'deploy/scripts/deploy.sh', [
      '# Run with: sh deploy/scripts/deploy.sh   (safe to run again: every step is idempotent)',
      'set -eu',
      'docker compose build app',
      ...(a.hasDatabase
        ? ['docker compose up -d --wait postgres', 'docker compose run --rm app npx prisma migrate deploy --schema prisma/schema']
        : []),
      'docker compose up -d --wait app',
      'echo "deployed: $(docker compose ps --format \'{{.Service}} {{.State}}\' | tr \'\\n\' \' \')"',
    ]),
  ]);
};

export const DEPLOYMENT_GENERATORS: Record<string, RoleGenerator> = {
  'dockerfile-creator': dockerfileCreator,
  'ci-cd-pipeline-generator': ciCdPipelineGenerator,
  'environment-config-manager': environmentConfigManager,
  'deployment-script-creator': deploymentScriptCreator,
};
