// Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from the schema).
// Only `prisma generate` runs on our machines; migrations are applied by `zekka db migrate`.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/zekka' },
});
