/** Stage 3, Database Schema: Prisma models per bounded context, SQL migrations, seeds and indexes. */
import { SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH } from '../structured-records.js';
import type { AgentRole } from '../types.js';

const DATA_DESIGN = ['docs/requirements/requirements.md', 'docs/architecture/data-model.md', 'docs/architecture/performance.md', 'prisma/schema/schema.prisma', SETTLED_DECISIONS_PATH, SETTLED_REQUIREMENTS_PATH];

export const DATABASE_ROLES: AgentRole[] = [
  {
    id: 'schema-designer',
    stage: 3,
    name: 'Schema Designer',
    systemPrompt:
      'You write the Prisma models of one bounded context into prisma/schema/<context>.prisma (Prisma multi-file schema; the generator and datasource blocks already exist in prisma/schema/schema.prisma). ' +
      'Give every model a cuid `id`, `createdAt` and `updatedAt`, declare both sides of each relation, and use only the fields the data model names.',
    tier: 'premium',
    critical: true,
    writes: ['prisma/schema/*.prisma'],
    reads: DATA_DESIGN,
    produces: ['prisma/schema/{subject}.prisma'],
    select: { requires: ['database'] },
    instances: 'per-context',
    maxOutputTokens: 16384,
  },
  {
    id: 'migration-creator',
    stage: 3,
    name: 'Migration Creator',
    systemPrompt:
      'You write the initial PostgreSQL migration in Prisma\'s layout: prisma/schema/migrations/0001_init/migration.sql and prisma/schema/migrations/migration_lock.toml (beside the datasource file, as Prisma\'s multi-file schema requires). ' +
      'The SQL must create exactly the tables, columns, primary keys and foreign keys of the data model, in the form `prisma migrate diff` would emit, and be safe to apply once to an empty database.',
    tier: 'standard',
    critical: false,
    writes: ['prisma/schema/migrations/0001_init/**', 'prisma/schema/migrations/migration_lock.toml'],
    reads: DATA_DESIGN,
    produces: ['prisma/schema/migrations/0001_init/migration.sql'],
    select: { requires: ['database'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'seed-data-generator',
    stage: 3,
    name: 'Seed Data Generator',
    systemPrompt:
      'You write development seed data for one entity as prisma/seed/<entity>.ts, exporting the sample rows and a function that inserts them with a Prisma client. ' +
      'Use obviously fake, deterministic values (example.com addresses, fixed dates), never real personal data, and leave optional relations unset so each seed file runs on its own.',
    tier: 'economy',
    critical: false,
    writes: ['prisma/seed/**'],
    reads: DATA_DESIGN,
    produces: ['prisma/seed/{subject}.ts'],
    select: { requires: ['database'] },
    instances: 'per-entity',
    maxOutputTokens: 16384,
  },
  {
    id: 'index-optimizer',
    stage: 3,
    name: 'Index Optimizer',
    systemPrompt:
      'You add the indexes the queries will need. Write prisma/schema/migrations/0002_indexes/migration.sql creating an index for every foreign key and for fields the requirements filter or sort by, and docs/database/indexes.md explaining each index and the matching `@@index` to add to the Prisma models. ' +
      'Do not index columns no query uses.',
    tier: 'standard',
    critical: false,
    writes: ['prisma/schema/migrations/0002_indexes/**', 'docs/database/indexes.md'],
    reads: DATA_DESIGN,
    produces: ['prisma/schema/migrations/0002_indexes/migration.sql'],
    select: { requires: ['database'], minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'relationship-validator',
    stage: 3,
    name: 'Relationship Validator',
    systemPrompt:
      'You check the relations of the data model. Write docs/database/relationships.md listing every relation with its cardinality, delete behaviour and both field names, and flag relations that point at unknown entities, cycles that block deletes, and entities no relation reaches. ' +
      'Report findings; do not edit the schema.',
    tier: 'standard',
    critical: false,
    writes: ['docs/database/relationships.md'],
    reads: DATA_DESIGN,
    produces: ['docs/database/relationships.md'],
    select: { requires: ['database'], minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 8192,
  },
];
