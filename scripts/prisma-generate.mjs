#!/usr/bin/env node
// Generates the Prisma client offline.
// Prisma's CLI tries to download a native schema engine from a host these machines cannot reach.
// `prisma generate` does not need that engine, but the CLI checks that the binary exists: point
// PRISMA_SCHEMA_ENGINE_BINARY at a stand-in that exits non-zero (one that exits 0 would make
// `prisma migrate` silently do nothing — we never use it; see src/db/migrator.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'prisma', 'schema.prisma'))) process.exit(0);

const standIn = join(root, 'node_modules', '.cache', 'zekka', 'no-schema-engine');
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  mkdirSync(dirname(standIn), { recursive: true });
  writeFileSync(standIn, '#!/bin/sh\necho "zekka: the Prisma schema engine is not available offline; use npm run db:migrate" >&2\nexit 1\n');
  chmodSync(standIn, 0o755);
}
const prismaBin = join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(prismaBin)) {
  console.log('prisma CLI not installed (production install): skipping client generation');
  process.exit(0);
}
const result = spawnSync(prismaBin, ['generate'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    PRISMA_SCHEMA_ENGINE_BINARY: standIn,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
    ...process.env,
  },
});
process.exit(result.status ?? 1);
