#!/usr/bin/env node
// Before `npm test`: the browser test (test/e2e) drives Debian's Chromium. When it is missing and
// we are root on a Debian-like machine (CI, a fresh development box), install it; otherwise say
// exactly what to do. CHROMIUM_PATH points the tests at another build.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const canInstall = !process.env.CHROMIUM_PATH && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
if (!canInstall) {
  process.stderr.write(`npm test: the browser test needs Chromium at ${path}: install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH\n`);
  process.exit(1);
}
process.stderr.write(`npm test: installing Debian's chromium for the browser test (once)\n`);
const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
if (!run(['update', '-qq']) || !run(['install', '-y', '-qq', '--no-install-recommends', 'chromium']) || !existsSync(path)) {
  process.stderr.write(`npm test: could not install chromium; install it yourself (apt-get install -y chromium) or set CHROMIUM_PATH\n`);
  process.exit(1);
}
