#!/usr/bin/env node
// Prints the SQL that takes one Prisma schema to another, for writing a migration by hand.
// Prisma 7's CLI needs a native schema engine these machines cannot download (with the stand-in
// engine it prints nothing and exits 0), so this runs prisma 6.19's CLI from tools/prisma-diff,
// whose WASM schema engine diffs offline through a driver adapter. That CLI wants the v6 form of
// the schema (`url` in the datasource, `engineType = "client"`), so we diff rewritten copies.
// It connects to a PostgreSQL (MIGRATION_SQL_DATABASE_URL, default the local server) but writes nothing.
//
//   node scripts/migration-sql.mjs                          empty → prisma/schema.prisma
//   node scripts/migration-sql.mjs --from OLD.prisma        OLD → prisma/schema.prisma
//   node scripts/migration-sql.mjs --from-git HEAD          schema at a git revision → current
//   node scripts/migration-sql.mjs --to OTHER.prisma        the target schema (default prisma/schema.prisma)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const toolDir = join(root, 'tools', 'prisma-diff');
const prismaBin = join(toolDir, 'node_modules', '.bin', 'prisma');

const usage = 'usage: node scripts/migration-sql.mjs [--from OLD.prisma | --from-git REV] [--to NEW.prisma]';
let values;
try {
  ({ values } = parseArgs({ options: { from: { type: 'string' }, 'from-git': { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
} catch (error) {
  fail(`${error.message}\n${usage}`, 2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (values.from && values['from-git']) fail(`--from and --from-git exclude each other\n${usage}`, 2);
if (!existsSync(prismaBin)) fail('tools/prisma-diff is not installed: run `npm ci --prefix tools/prisma-diff`', 3);

/** The v6 CLI reads the URL from the schema and must be told the client needs no native engine. */
function toV6Schema(text) {
  const first = { datasource: true, generator: false };
  return withSetting(withSetting(text, 'datasource', /^[ \t]*url[ \t]*=/m, '  url = env("DATABASE_URL")\n', first.datasource), 'generator', /^[ \t]*engineType[ \t]*=/m, '  engineType = "client"\n', first.generator);
}

/** Adds `line` before the closing brace of each (or only the first) `keyword name {` block that has no `setting`; indexOf keeps it linear. */
function withSetting(text, keyword, setting, line, onlyFirst) {
  const opening = new RegExp(String.raw`${keyword}\s+\w+\s*\{`, 'g');
  let out = '';
  let copied = 0;
  for (let match = opening.exec(text); match; match = onlyFirst ? null : opening.exec(text)) {
    const start = match.index + match[0].length;
    const close = text.indexOf('}', start);
    if (close === -1) break;
    const body = text.slice(start, close);
    out += text.slice(copied, close) + (setting.test(body) ? '' : line);
    copied = close;
    opening.lastIndex = close + 1;
  }
  return out + text.slice(copied);
}

function fail(message, code = 1) {
  process.stderr.write(`migration-sql: ${message}\n`);
  process.exit(code);
}

function run(work) {
  const target = join(work, 'to.prisma');
  writeFileSync(target, toV6Schema(readFileSync(resolve(values.to ?? join(root, 'prisma', 'schema.prisma')), 'utf8')));
  let fromArgs = ['--from-empty'];
  if (values.from || values['from-git']) {
    let oldText;
    if (values.from) oldText = readFileSync(resolve(values.from), 'utf8');
    else {
      const shown = spawnSync('git', ['show', `${values['from-git']}:prisma/schema.prisma`], { cwd: root, encoding: 'utf8' });
      if (shown.status !== 0) return `git show ${values['from-git']}:prisma/schema.prisma failed: ${shown.stderr.trim()}`;
      oldText = shown.stdout;
    }
    const source = join(work, 'from.prisma');
    writeFileSync(source, toV6Schema(oldText));
    fromArgs = ['--from-schema-datamodel', source];
  }
  const result = spawnSync(prismaBin, ['migrate', 'diff', ...fromArgs, '--to-schema-datamodel', target, '--script'], {
    cwd: toolDir,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: process.env.MIGRATION_SQL_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
      ZEKKA_DIFF_SCHEMA: target,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  if (result.status !== 0) return `prisma migrate diff failed (exit ${result.status}):\n${(result.stderr || result.error?.message || '').trim()}`;
  process.stdout.write(result.stdout);
  return undefined;
}

const work = mkdtempSync(join(tmpdir(), 'zekka-migration-sql-'));
let problem;
try {
  problem = run(work);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problem) fail(problem);
