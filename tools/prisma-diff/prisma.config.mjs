// prisma 6.19's CLI runs `migrate diff` with its WASM schema engine only through a driver adapter.
// `schema` must name a schema whose generator says engineType = "client", or the CLI tries to
// download a native query engine. scripts/migration-sql.mjs writes that copy and sets both variables.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: process.env.ZEKKA_DIFF_SCHEMA,
  // allowExitOnIdle: the CLI never ends the pool; without it the process lingers for pg's idle timeout.
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres', allowExitOnIdle: true }),
});
