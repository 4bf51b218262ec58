#!/usr/bin/env node
// The `zekka` binary. In a checkout (TypeScript sources present) it runs the sources through tsx,
// so it can never run a stale build; production images ship only the compiled `dist/`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(join(root, 'dist', 'src', 'cli', 'main.js')).href);
}
