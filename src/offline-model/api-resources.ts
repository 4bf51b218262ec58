/** Offline generators of stage 4 that work per resource: routes, controllers, validation schemas. */
import type { AgentTask } from '../agents/agent-task.js';
import { domainModel, zodOf, type EntityModel } from './domain.js';
import { file, output, slugOf, subjectName, type OutputFile, type RoleGenerator } from './scaffold.js';
import { APP_SHELL_PATH, editShared } from './slots.js';

interface Handlers {
  list: string;
  get: string;
  create: string;
  update: string;
  remove: string;
}

/** The controller's function names; routes, tests and docs use the same ones. */
export function handlers(entity: EntityModel): Handlers {
  return { list: `list${entity.pluralPascal}`, get: `get${entity.name}`, create: `create${entity.name}`, update: `update${entity.name}`, remove: `remove${entity.name}` };
}

const routeCreator: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const routers: OutputFile[] = model.entities.map((entity) => {
    const { list, get, create, update, remove } = handlers(entity);
    const router = `${entity.camel}Router`;
    return file(task, `src/server/routes/${entity.kebab}.routes.ts`, [
      "import { Router } from 'express';",
      `import { ${[create, get, list, remove, update].join(', ')} } from '../controllers/${entity.kebab}.controller.js';`,
      '',
      `export const ${router} = Router();`,
      `${router}.get('/', ${list});`,
      `${router}.post('/', ${create});`,
      `${router}.get('/:id', ${get});`,
      `${router}.patch('/:id', ${update});`,
      `${router}.delete('/:id', ${remove});`,
    ]);
  });
  const index = file(task, 'src/server/routes/index.ts', [
    "import type { Router } from 'express';",
    ...model.entities.map((entity) => `import { ${entity.camel}Router } from './${entity.kebab}.routes.js';`),
    '',
    '/** Mounts every resource router under its plural path (the router itself is mounted at /api). */',
    `export function registerRoutes(${model.entities.length > 0 ? 'api' : '_api'}: Router): void {`,
    ...model.entities.map((entity) => `  api.use('/${entity.pluralKebab}', ${entity.camel}Router);`),
    '}',
  ]);
  return output(`Routers for ${model.entities.length} resources and registerRoutes().`, [...routers, index]);
};

function databaseController(entity: EntityModel): string[] {
  const { list, get, create, update, remove } = handlers(entity);
  const where = '{ where: { id: req.params.id } }';
  return [
    "import type { Request, Response } from 'express';",
    "import { prisma } from '../db.js';",
    '',
    'type ById = Request<{ id: string }>;',
    '',
    'function pageOf(req: Request): { skip: number; take: number } {',
    '  const page = Math.max(1, Number(req.query.page) || 1);',
    '  const pageSize = Math.min(100, Math.max(1, Number(req.query.pageSize) || 20));',
    '  return { skip: (page - 1) * pageSize, take: pageSize };',
    '}',
    '',
    'function notFound(res: Response): void {',
    `  res.status(404).json({ error: { code: 'not_found', message: '${entity.name} not found' } });`,
    '}',
    '',
    `export async function ${list}(req: Request, res: Response): Promise<void> {`,
    `  res.json(await prisma.${entity.camel}.findMany({ ...pageOf(req), orderBy: { createdAt: 'desc' } }));`,
    '}',
    '',
    `export async function ${get}(req: ById, res: Response): Promise<void> {`,
    `  const row = await prisma.${entity.camel}.findUnique(${where});`,
    '  if (row) res.json(row);',
    '  else notFound(res);',
    '}',
    '',
    `export async function ${create}(req: Request, res: Response): Promise<void> {`,
    `  res.status(201).json(await prisma.${entity.camel}.create({ data: req.body as Record<string, unknown> }));`,
    '}',
    '',
    `export async function ${update}(req: ById, res: Response): Promise<void> {`,
    `  const { count } = await prisma.${entity.camel}.updateMany({ where: { id: req.params.id }, data: req.body as Record<string, unknown> });`,
    '  if (count === 0) {',
    '    notFound(res);',
    '    return;',
    '  }',
    `  res.json(await prisma.${entity.camel}.findUnique(${where}));`,
    '}',
    '',
    `export async function ${remove}(req: ById, res: Response): Promise<void> {`,
    `  const { count } = await prisma.${entity.camel}.deleteMany(${where});`,
    '  if (count === 0) notFound(res);',
    '  else res.status(204).end();',
    '}',
  ];
}

function memoryController(entity: EntityModel): string[] {
  const { list, get, create, update, remove } = handlers(entity);
  return [
    "import { randomUUID } from 'node:crypto';",
    "import type { Request, Response } from 'express';",
    '',
    '// The request asks for no database: rows live in memory and vanish on restart.',
    'type Row = Record<string, unknown> & { id: string; createdAt: string; updatedAt: string };',
    'type ById = Request<{ id: string }>;',
    'const rows = new Map<string, Row>();',
    '',
    'function notFound(res: Response): void {',
    `  res.status(404).json({ error: { code: 'not_found', message: '${entity.name} not found' } });`,
    '}',
    '',
    `export function ${list}(_req: Request, res: Response): void {`,
    '  res.json([...rows.values()].reverse().slice(0, 100));',
    '}',
    '',
    `export function ${get}(req: ById, res: Response): void {`,
    '  const row = rows.get(req.params.id);',
    '  if (row) res.json(row);',
    '  else notFound(res);',
    '}',
    '',
    `export function ${create}(req: Request, res: Response): void {`,
    '  const now = new Date().toISOString();',
    '  const row: Row = { ...(req.body as Record<string, unknown>), id: randomUUID(), createdAt: now, updatedAt: now };',
    '  rows.set(row.id, row);',
    '  res.status(201).json(row);',
    '}',
    '',
    `export function ${update}(req: ById, res: Response): void {`,
    '  const row = rows.get(req.params.id);',
    '  if (!row) {',
    '    notFound(res);',
    '    return;',
    '  }',
    '  const next: Row = { ...row, ...(req.body as Record<string, unknown>), id: row.id, updatedAt: new Date().toISOString() };',
    '  rows.set(row.id, next);',
    '  res.json(next);',
    '}',
    '',
    `export function ${remove}(req: ById, res: Response): void {`,
    '  if (rows.delete(req.params.id)) res.status(204).end();',
    '  else notFound(res);',
    '}',
  ];
}

const controllerGenerator: RoleGenerator = (task) => {
  const entity = domainModel(task.analysis).get(subjectName(task));
  const path = `src/server/controllers/${slugOf(task)}.controller.ts`;
  if (!entity) return output('No entity for this instance: an empty controller module.', [file(task, path, ['export {};'])]);
  const body = task.analysis.hasDatabase ? databaseController(entity) : memoryController(entity);
  return output(`Controller for ${entity.name}: ${Object.values(handlers(entity)).join(', ')}.`, [file(task, path, body)]);
};

function schemaFile(task: AgentTask, entity: EntityModel): OutputFile {
  return file(task, `src/server/validation/${entity.kebab}.schema.ts`, [
    "import { z } from 'zod';",
    '',
    `/** The body of POST /api/${entity.pluralKebab}; unknown fields are refused. */`,
    `export const ${entity.camel}CreateSchema = z.strictObject({`,
    ...entity.scalars.map((field) => `  ${field.name}: ${zodOf(field)},`),
    ...entity.relations.map((relation) => `  ${relation.foreignKey}: z.string().min(1).optional(),`),
    '});',
    '',
    `/** The body of PATCH /api/${entity.pluralKebab}/:id: any subset of the create fields. */`,
    `export const ${entity.camel}UpdateSchema = ${entity.camel}CreateSchema.partial();`,
    '',
    `export type ${entity.name}Input = z.infer<typeof ${entity.camel}CreateSchema>;`,
  ]);
}

const validationCreator: RoleGenerator = (task) => {
  const model = domainModel(task.analysis);
  const index = file(task, 'src/server/validation/index.ts', [
    "import type { RequestHandler } from 'express';",
    "import type { ZodType } from 'zod';",
    ...model.entities.map((entity) => `import { ${entity.camel}CreateSchema, ${entity.camel}UpdateSchema } from './${entity.kebab}.schema.js';`),
    '',
    'const SCHEMAS: Record<string, { create: ZodType; update: ZodType }> = {',
    ...model.entities.map((entity) => `  '${entity.pluralKebab}': { create: ${entity.camel}CreateSchema, update: ${entity.camel}UpdateSchema },`),
    '};',
    '',
    '/** Validates POST /<resource> and PATCH /<resource>/:id bodies; answers 400 naming the field at fault. */',
    'export function validateRequests(): RequestHandler {',
    '  return (req, res, next) => {',
    "    const [resource = '', id, extra] = req.path.split('/').filter(Boolean);",
    '    const entry = SCHEMAS[resource];',
    "    const schema = !entry || extra ? undefined : req.method === 'POST' && !id ? entry.create : req.method === 'PATCH' && id ? entry.update : undefined;",
    '    if (!schema) {',
    '      next();',
    '      return;',
    '    }',
    '    const parsed = schema.safeParse(req.body);',
    '    if (!parsed.success) {',
    '      const issue = parsed.error.issues[0];',
    "      res.status(400).json({ error: { code: 'validation_error', message: issue?.message ?? 'invalid body', field: issue?.path.join('.') } });",
    '      return;',
    '    }',
    '    req.body = parsed.data;',
    '    next();',
    '  };',
    '}',
  ]);
  const shell = editShared(task, APP_SHELL_PATH, {
    'validation-imports': ["import { validateRequests } from './validation/index.js';"],
    validation: ['api.use(validateRequests());'],
  });
  return output(
    `zod schemas for ${model.entities.length} resources and validateRequests()${shell.length > 0 ? ', wired into app.ts' : '; app.ts slot not found, left alone'}.`,
    [...model.entities.map((entity) => schemaFile(task, entity)), index, ...shell],
  );
};

export const API_RESOURCE_GENERATORS: Record<string, RoleGenerator> = {
  'route-creator': routeCreator,
  'controller-generator': controllerGenerator,
  'validation-creator': validationCreator,
};
