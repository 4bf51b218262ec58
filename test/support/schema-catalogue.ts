/**
 * A sorted, order-independent description of a database schema, for the drift test: two
 * databases built differently (Prisma's SQL for the whole schema vs. our migrations in sequence)
 * must describe the same columns, indexes, constraints, enums and sequences. Column *order* is
 * deliberately left out (`ALTER TABLE … ADD COLUMN` appends), which is why `pg_dump` text alone
 * is no good here. The migrations table is the runner's, not the schema's, and is ignored.
 */
import pg from 'pg';

export interface SchemaCatalogue {
  columns: string[];
  indexes: string[];
  constraints: string[];
  enums: string[];
  sequences: string[];
}

const IGNORED_TABLE = '_prisma_migrations';

const QUERIES: Record<keyof SchemaCatalogue, string> = {
  columns: `
    SELECT format('%I.%I %s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END,
                  coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> $2 AND a.attnum > 0 AND NOT a.attisdropped`,
  indexes: `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = $1 AND tablename <> $2`,
  constraints: `
    SELECT format('%I.%I %s %s', c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)) AS line
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND c.relname <> $2`,
  enums: `
    SELECT format('%I (%s)', t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)) AS line
    FROM pg_type t
    JOIN pg_enum e ON e.enumtypid = t.oid
    JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = $1 AND $2::text IS NOT NULL
    GROUP BY t.typname`,
  sequences: `
    SELECT format('%I %s start %s increment %s', sequencename, data_type, start_value, increment_by) AS line
    FROM pg_sequences WHERE schemaname = $1 AND $2::text IS NOT NULL`,
};

export async function readCatalogue(url: string, schema = 'public'): Promise<SchemaCatalogue> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const catalogue: SchemaCatalogue = { columns: [], indexes: [], constraints: [], enums: [], sequences: [] };
    for (const key of Object.keys(QUERIES) as (keyof SchemaCatalogue)[]) {
      const result = await client.query<{ line: string }>(QUERIES[key], [schema, IGNORED_TABLE]);
      catalogue[key] = result.rows.map((row) => row.line).sort();
    }
    return catalogue;
  } finally {
    await client.end();
  }
}

/** Lines present in one catalogue and not the other, prefixed `- ` (only in `expected`) or `+ ` (only in `actual`). */
export function diffCatalogues(expected: SchemaCatalogue, actual: SchemaCatalogue): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(expected) as (keyof SchemaCatalogue)[]) {
    const want = new Set(expected[key]);
    const have = new Set(actual[key]);
    for (const line of want) if (!have.has(line)) differences.push(`${key}: - ${line}`);
    for (const line of have) if (!want.has(line)) differences.push(`${key}: + ${line}`);
  }
  return differences;
}
