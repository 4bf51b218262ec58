/** Offline generators of stage 8, Documentation. */
import { humanize } from '../agents/naming.js';
import { outlineRequest } from '../agents/request-analysis.js';
import { acceptanceCriteria } from './criteria.js';
import { domainModel, type EntityModel, type ScalarField } from './domain.js';
import { entityOfPage } from './frontend-pages.js';
import { bullets, file, output, type OutputFile, type RoleGenerator } from './scaffold.js';

const OPENAPI_TYPES = { String: 'string', Int: 'integer', Float: 'number', Boolean: 'boolean', DateTime: 'string' } as const;

function propertyYaml(field: ScalarField, nullable: boolean): string {
  const type = OPENAPI_TYPES[field.type];
  const format = field.type === 'DateTime' ? ', format: date-time' : /email/i.test(field.name) ? ', format: email' : '';
  return `        ${field.name}: { type: ${nullable ? `[${type}, 'null']` : type}${format} }`;
}

function schemasYaml(entity: EntityModel): string[] {
  const keys = entity.relations.map((relation): ScalarField => ({ name: relation.foreignKey, type: 'String', required: false }));
  const required = entity.scalars.filter((field) => field.required && field.type !== 'Boolean').map((field) => field.name);
  return [
    `    ${entity.name}:`,
    '      type: object',
    `      required: [${['id', ...entity.scalars.filter((field) => field.required).map((field) => field.name), 'createdAt', 'updatedAt'].join(', ')}]`,
    '      properties:',
    '        id: { type: string }',
    ...[...entity.scalars, ...keys].map((field) => propertyYaml(field, !field.required)),
    '        createdAt: { type: string, format: date-time }',
    '        updatedAt: { type: string, format: date-time }',
    `    ${entity.name}Input:`,
    '      type: object',
    '      additionalProperties: false',
    ...(required.length > 0 ? [`      required: [${required.join(', ')}]`] : []),
    '      properties:',
    ...(entity.scalars.length + keys.length > 0 ? [...entity.scalars, ...keys].map((field) => propertyYaml(field, false)) : ['        {}']),
  ];
}

function pathsYaml(entity: EntityModel): string[] {
  const ref = (name: string): string => `{ $ref: '#/components/schemas/${name}' }`;
  const json = (schema: string): string => `{ content: { application/json: { schema: ${schema} } } }`;
  const error = `{ description: Error, content: { application/json: { schema: ${ref('Error')} } } }`;
  return [
    `  /${entity.pluralKebab}:`,
    '    get:',
    `      summary: List ${entity.plural}, newest first`,
    '      parameters:',
    '        - { name: page, in: query, schema: { type: integer, minimum: 1, default: 1 } }',
    '        - { name: pageSize, in: query, schema: { type: integer, minimum: 1, maximum: 100, default: 20 } }',
    '      responses:',
    `        '200': { description: One page, content: { application/json: { schema: { type: array, items: ${ref(entity.name)} } } } }`,
    '    post:',
    `      summary: Create a ${entity.name}`,
    `      requestBody: ${json(ref(`${entity.name}Input`))}`,
    '      responses:',
    `        '201': { description: Created, content: { application/json: { schema: ${ref(entity.name)} } } }`,
    `        '400': ${error}`,
    `  /${entity.pluralKebab}/{id}:`,
    '    parameters:',
    '      - { name: id, in: path, required: true, schema: { type: string } }',
    '    get:',
    `      summary: Read one ${entity.name}`,
    '      responses:',
    `        '200': { description: Found, content: { application/json: { schema: ${ref(entity.name)} } } }`,
    `        '404': ${error}`,
    '    patch:',
    `      summary: Change a ${entity.name}`,
    `      requestBody: ${json(ref(`${entity.name}Input`))}`,
    '      responses:',
    `        '200': { description: Updated, content: { application/json: { schema: ${ref(entity.name)} } } }`,
    `        '400': ${error}`,
    `        '404': ${error}`,
    '    delete:',
    `      summary: Delete a ${entity.name}`,
    '      responses:',
    "        '204': { description: Deleted }",
    `        '404': ${error}`,
  ];
}

const apiDocumentationGenerator: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const first = model.entities[0];
  return output(`OpenAPI 3.1 document for ${model.entities.length} resources and an API guide.`, [
    file(task, 'docs/api/openapi.yaml', [
      'openapi: 3.1.0',
      'info:',
      `  title: ${JSON.stringify(task.analysis.title)}`,
      '  version: 0.1.0',
      'servers:',
      '  - url: /api',
      'security:',
      '  - bearer: []',
      'components:',
      '  securitySchemes:',
      '    bearer: { type: http, scheme: bearer }',
      '  schemas:',
      '    Error:',
      '      type: object',
      '      required: [error]',
      '      properties:',
      '        error: { type: object, required: [code, message], properties: { code: { type: string }, message: { type: string }, field: { type: string } } }',
      ...model.entities.flatMap(schemasYaml),
      model.entities.length > 0 ? 'paths:' : 'paths: {}',
      ...model.entities.flatMap(pathsYaml),
    ]),
    file(task, 'docs/api/README.md', [
      `# ${task.analysis.title}: API guide`,
      '',
      'The full reference is [openapi.yaml](openapi.yaml). Every call needs a bearer token:',
      '',
      '```sh',
      'export TOKEN=...   # see docs/architecture/security.md',
      ...(first
        ? [
            `curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/api/${first.pluralKebab}`,
            `curl -X POST -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\`,
            `  -d '${JSON.stringify(Object.fromEntries(first.scalars.filter((field) => field.required && field.type === 'String').map((field) => [field.name, 'example'])))}' http://localhost:3000/api/${first.pluralKebab}`,
          ]
        : ['curl http://localhost:3000/health']),
      '```',
    ]),
  ]);
};

const readmeCreator: RoleGenerator = (task) => {
  const a = task.analysis;
  const summary = outlineRequest(task.requirements).summary;
  return output('README with setup, run and test instructions.', [
    file(task, 'README.md', [
      `# ${a.title}`,
      '',
      summary || '_The request has no introductory paragraph._',
      '',
      'Built by Zekka. This workspace was generated by the offline model: deterministic scaffolding derived from the request, to be reviewed and completed.',
      '',
      '## Stack',
      '',
      `TypeScript on Node.js 20${a.hasApi ? ', Express 5, zod' : ''}${a.hasDatabase ? ', Prisma with PostgreSQL' : ''}${a.hasFrontend ? ', React with Vite' : ''}. See docs/architecture/tech-stack.md.`,
      '',
      '## Layout',
      '',
      ...bullets([
        'docs/ — requirements, architecture, API reference, QA reports',
        a.hasDatabase && 'prisma/schema/ — models (one file per context) and migrations',
        a.hasApi && 'src/server/ — the API',
        a.hasFrontend && 'web/ — the web client',
        'tests/ — unit, integration, security and other tests',
      ].filter((item): item is string => typeof item === 'string')),
      '',
      '## Getting started',
      '',
      '```sh',
      'npm ci',
      'npm run typecheck',
      'npm test                     # in-memory stores: no database needed',
      'cp .env.example .env          # then fill in the values (AUTH_TOKEN_SECRET at least)',
      ...(a.hasDatabase ? ['# Optional: PostgreSQL instead of the in-memory stores (without DATABASE_URL, data lives in memory)', 'docker compose up -d postgres  # or point DATABASE_URL at your own PostgreSQL', 'npm run db:migrate && npm run db:generate'] : []),
      ...(a.hasApi ? ['set -a; . ./.env; set +a', 'npm start                    # API on http://localhost:3000'] : []),
      ...(a.hasFrontend ? ['npm run dev:web              # web client on http://localhost:5173: sign in at /sign-in'] : []),
      '```',
      ...(a.hasApi
        ? [
            '',
            'Every `/api` route but sign-up and login needs a bearer token:',
            '',
            '```sh',
            "curl -s -X POST localhost:3000/api/auth/signup -H 'content-type: application/json' -d '{\"email\":\"me@example.com\",\"password\":\"correct horse battery\"}'",
            "curl -s -X POST localhost:3000/api/auth/login -H 'content-type: application/json' -d '{\"email\":\"me@example.com\",\"password\":\"correct horse battery\"}'",
            '# → {"token":"…","user":{…}}; then: curl -H "authorization: Bearer <token>" localhost:3000/api/…',
            '```',
          ]
        : []),
      '',
      '## What it manages',
      '',
      ...bullets([...a.entities.map((entity) => `${entity} records`), ...a.pages.map((page) => `${page} page`)]),
    ]),
  ]);
};

const HANDLER_DOCS: Array<[RegExp, (name: string) => string]> = [
  [/^list/, (name) => `Lists one page (?page, ?pageSize up to 100) of ${name}, newest first. Answers 200.`],
  [/^get/, (name) => `Answers 200 with one ${name}, or 404 when no row has the id.`],
  [/^create/, (name) => `Creates a ${name} from a body validated by validateRequests(). Answers 201 with the stored row.`],
  [/^update/, (name) => `Applies a validated partial body to a ${name}. Answers 200 with the updated row, or 404.`],
  [/^remove/, (name) => `Deletes a ${name}. Answers 204, or 404 when no row has the id.`],
];

const codeCommentGenerator: RoleGenerator = (task) => {
  const annotated: string[] = [];
  const files: OutputFile[] = [];
  const controllers = task.context.filter((candidate) => /^src\/server\/controllers\/[^/]+\.ts$/.test(candidate.path));
  for (const controller of controllers) {
    const lines = controller.content.split('\n');
    const out: string[] = [];
    lines.forEach((line, index) => {
      const match = /^export (?:async )?function (\w+)/.exec(line);
      const documented = (lines[index - 1] ?? '').trim().endsWith('*/');
      const doc = match?.[1] ? HANDLER_DOCS.find(([pattern]) => pattern.test(match[1] ?? '')) : undefined;
      if (match?.[1] && doc && !documented) {
        out.push(`/** ${doc[1](humanize(match[1].replace(/^(?:list|get|create|update|remove)/, '')))} */`);
        annotated.push(`${controller.path}: ${match[1]}`);
      }
      out.push(line);
    });
    if (out.length !== lines.length) files.push({ path: controller.path, content: out.join('\n') });
  }
  files.push(
    file(task, 'docs/code/comments.md', [
      `# ${task.analysis.title}: doc comments added`,
      '',
      `Looked at ${controllers.length} controller file(s); only comment lines were added.`,
      '',
      ...bullets(annotated),
    ]),
  );
  return output(`${annotated.length} doc comments added in ${files.length - 1} controller file(s).`, files);
};

const userGuideWriter: RoleGenerator = (task) => {
  const criteria = acceptanceCriteria(task.analysis);
  return output(`User guide with ${task.analysis.pages.length} page sections.`, [
    file(task, 'docs/guide/user-guide.md', [
      `# ${task.analysis.title}: user guide`,
      ...task.analysis.pages.flatMap((page) => {
        const entity = entityOfPage(task, page);
        return [
          '',
          `## ${humanize(page)}`,
          '',
          task.analysis.pageDescriptions?.[page] ? `What it is for: ${task.analysis.pageDescriptions[page]}.` : 'The request does not describe this page further.',
          ...(entity ? ['', `Here you see your ${entity.plural}. To add one, fill in the form below the list and choose **Save**; a field that needs attention shows a message next to it.`] : []),
          ...criteria.filter((criterion) => criterion.about === page).map((criterion) => `\n_Expected behaviour (${criterion.id}): ${criterion.text}_`),
        ];
      }),
    ]),
  ]);
};

export const DOCUMENTATION_GENERATORS: Record<string, RoleGenerator> = {
  'api-documentation-generator': apiDocumentationGenerator,
  'readme-creator': readmeCreator,
  'code-comment-generator': codeCommentGenerator,
  'user-guide-writer': userGuideWriter,
};
