/**
 * The domain model the offline generators share, derived only from the request analysis: each
 * entity's scalar fields (types inferred from their names), its relations (a field named after
 * another entity, or `<entity>Id`, is a many-to-one; a plural one is the other side) and its
 * bounded context. Every generator derives the same names from it, so files written by different
 * agents in parallel agree with each other without reading each other.
 */
import { camelCase, kebabCase, pascalCase, pluralize, singularize } from '../agents/naming.js';
import { groupEntities } from '../agents/request-analysis.js';
import type { RequestAnalysis } from '../agents/types.js';

export type ScalarType = 'String' | 'Int' | 'Float' | 'Boolean' | 'DateTime';

export interface ScalarField {
  name: string;
  type: ScalarType;
  required: boolean;
}

export interface RelationField {
  /** e.g. `project`, with the foreign key `projectId`; or `assignee` → User for `assignee (User)`. */
  name: string;
  foreignKey: string;
  target: string;
  /** The Prisma relation name, e.g. `TaskAssignee`: every relation is named, so two may share a pair of models. */
  relationName: string;
}

export interface BackRelation {
  /** e.g. `tasks` on Project, or `tasksAsAssignee` on User. */
  name: string;
  source: string;
  relationName: string;
}

export interface EntityModel {
  name: string;
  kebab: string;
  camel: string;
  /** camelCase plural, e.g. `taskLists`: the Prisma delegate is `camel`, the resource `pluralKebab`. */
  plural: string;
  /** PascalCase plural, e.g. `TaskLists`, for function names like `listTaskLists`. */
  pluralPascal: string;
  pluralKebab: string;
  context: string;
  scalars: ScalarField[];
  relations: RelationField[];
  backRelations: BackRelation[];
  /** The field that names a row in lists: the first required string, else `id`. */
  label: string;
}

export interface DomainModel {
  entities: EntityModel[];
  contexts: Array<{ name: string; entities: EntityModel[] }>;
  get(name: string): EntityModel | undefined;
}

const RESERVED = new Set(['id', 'createdAt', 'updatedAt']);
const BOOLEAN_NAMES = new Set(['done', 'completed', 'active', 'archived', 'enabled', 'published', 'verified', 'read', 'paid', 'pinned', 'private', 'public', 'resolved']);
const INT_NAMES = /^(?:count|quantity|position|age|rank|stock|capacity|duration|minutes|seconds|year|sortOrder|seats)$|(?:Count|Quantity|Minutes)$/;
const FLOAT_NAMES = /^(?:price|amount|total|cost|balance|rating|latitude|longitude|lat|lng|weight|score)$|(?:Price|Amount|Total|Cost)$/;

export function inferType(name: string): ScalarType {
  if (/^(?:is|has|can|should)[A-Z]/.test(name) || BOOLEAN_NAMES.has(name)) return 'Boolean';
  if (/(?:At|Date|On|Time)$/.test(name) || ['date', 'deadline', 'birthday', 'timestamp'].includes(name)) return 'DateTime';
  if (INT_NAMES.test(name)) return 'Int';
  if (FLOAT_NAMES.test(name)) return 'Float';
  return 'String';
}

const TYPE_HINTS: Record<string, ScalarType> = {
  string: 'String',
  text: 'String',
  int: 'Int',
  integer: 'Int',
  number: 'Int',
  float: 'Float',
  decimal: 'Float',
  money: 'Float',
  boolean: 'Boolean',
  bool: 'Boolean',
  date: 'DateTime',
  datetime: 'DateTime',
  timestamp: 'DateTime',
};

interface Link {
  source: string;
  target: string;
  name: string;
}

export function domainModel(analysis: RequestAnalysis): DomainModel {
  const names = new Set(analysis.entities);
  const links: Link[] = [];
  const scalarsOf = new Map<string, ScalarField[]>();
  const link = (source: string, target: string, name: string): void => {
    if (!links.some((existing) => existing.source === source && existing.name === name)) links.push({ source, target, name });
  };

  for (const entity of analysis.entities) {
    const scalars: ScalarField[] = [];
    for (const raw of analysis.entityFields?.[entity] ?? []) {
      const [field = '', hint = ''] = raw.split(':');
      if (RESERVED.has(field) || field === '') continue;
      const single = /Id$/.test(field) ? pascalCase(field.slice(0, -2)) : pascalCase(field);
      const many = pascalCase(singularize(field));
      const named = /Id$/.test(field) ? camelCase(field.slice(0, -2)) : field;
      if (hint !== '' && names.has(hint) && hint !== entity) link(entity, hint, named);
      else if (single !== entity && names.has(single)) link(entity, single, named);
      else if (many !== entity && many !== pascalCase(field) && names.has(many)) link(many, entity, camelCase(entity));
      else if (!scalars.some((scalar) => scalar.name === field)) {
        const type = TYPE_HINTS[hint.toLowerCase()] ?? inferType(field);
        scalars.push({ name: field, type, required: type === 'Boolean' || (scalars.length === 0 && type === 'String') });
      }
    }
    scalarsOf.set(entity, scalars);
  }

  const grouping = analysis.contextEntities ?? groupEntities(analysis.entities);
  const contextNames = [...new Set([...analysis.contexts, ...Object.keys(grouping)])];
  const contextOf = (entity: string): string =>
    contextNames.find((context) => grouping[context]?.includes(entity)) ?? contextNames[0] ?? 'core';
  const relationName = (item: Link): string => `${item.source}${pascalCase(item.name)}`;
  const backName = (item: Link): string =>
    item.name === camelCase(item.target) ? camelCase(pluralize(item.source)) : `${camelCase(pluralize(item.source))}As${pascalCase(item.name)}`;

  const entities = analysis.entities.map((name): EntityModel => {
    const taken = new Set((scalarsOf.get(name) ?? []).map((scalar) => scalar.name));
    const relations = links
      .filter((item) => item.source === name && !taken.has(item.name))
      .map((item) => ({ name: item.name, foreignKey: `${item.name}Id`, target: item.target, relationName: relationName(item) }));
    const scalars = (scalarsOf.get(name) ?? []).filter((scalar) => !relations.some((relation) => relation.foreignKey === scalar.name));
    return {
      name,
      kebab: kebabCase(name),
      camel: camelCase(name),
      plural: camelCase(pluralize(name)),
      pluralPascal: pascalCase(pluralize(name)),
      pluralKebab: kebabCase(pluralize(name)),
      context: contextOf(name),
      scalars,
      relations,
      backRelations: [],
      label: scalars.find((scalar) => scalar.type === 'String' && scalar.required)?.name ?? 'id',
    };
  });
  const byName = new Map(entities.map((entity) => [entity.name, entity]));
  for (const entity of entities) {
    for (const relation of entity.relations) {
      byName.get(relation.target)?.backRelations.push({ name: backName({ source: entity.name, target: relation.target, name: relation.name }), source: entity.name, relationName: relation.relationName });
    }
  }
  return {
    entities,
    contexts: contextNames.map((context) => ({ name: context, entities: entities.filter((entity) => entity.context === context) })),
    get: (name) => byName.get(name),
  };
}

/** A deterministic sample value (as a TypeScript literal) for row `n` of an entity. */
export function sampleLiteral(entity: EntityModel, field: ScalarField, n: number): string {
  switch (field.type) {
    case 'Boolean':
      return n % 2 === 0 ? 'true' : 'false';
    case 'Int':
      return String(n);
    case 'Float':
      return `${n}.5`;
    case 'DateTime':
      return `new Date('2025-01-${String(n).padStart(2, '0')}T09:00:00.000Z')`;
    case 'String':
      if (/email/i.test(field.name)) return `'${entity.kebab}${n}@example.com'`;
      if (/url|link|website/i.test(field.name)) return `'https://example.com/${entity.kebab}/${n}'`;
      return `'Sample ${entity.name} ${field.name} ${n}'`;
  }
}

/** The zod expression validating one scalar field of a request body. */
export function zodOf(field: ScalarField, partial = false): string {
  const base = {
    String: /email/i.test(field.name) ? 'z.email()' : 'z.string().min(1).max(2000)',
    Int: 'z.number().int()',
    Float: 'z.number()',
    Boolean: 'z.boolean()',
    DateTime: 'z.coerce.date()',
  }[field.type];
  return field.required && !partial && field.type !== 'Boolean' ? base : `${base}.optional()`;
}

/** The TypeScript type of a scalar as it arrives over JSON. */
export function tsTypeOf(field: ScalarField): string {
  return { String: 'string', Int: 'number', Float: 'number', Boolean: 'boolean', DateTime: 'string' }[field.type];
}
