/**
 * Bull Board at /admin/queues, listing every queue of the catalogue — admins only (401 without
 * credentials, 403 for other users). A browser gets in with HTTP Basic: any user name and an
 * admin's API key as the password; scripts use a Bearer token or X-API-Key as everywhere else.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express, RequestHandler } from 'express';
import type { Queue } from 'bullmq';

export const ADMIN_QUEUES_PATH = '/admin/queues';

export function mountAdminQueues(app: Express, queues: Queue[], guards: RequestHandler[]): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter, options: { uiConfig: { boardTitle: 'Zekka queues' } } });
  serverAdapter.setViewsPath(selfContainedViews());
  const label: RequestHandler = (_req, res, next) => {
    res.locals.routeLabel = ADMIN_QUEUES_PATH;
    next();
  };
  app.use(ADMIN_QUEUES_PATH, label, ...guards, serverAdapter.getRouter() as RequestHandler);
}

/**
 * Bull Board's page template links Google Fonts; nothing Zekka serves may fetch from a third
 * party. The template is copied with that link removed (the page falls back to the system
 * sans-serif); everything else about the page is Bull Board's own.
 *
 * An EJS template is code. The copy lives in a directory this process creates with `mkdtemp`
 * (a fresh random name, mode 0700) and removes at exit, so no other local user can plant or swap
 * the template: a shared, predictable folder under the temporary directory allowed exactly that.
 * One directory per process, however many apps it mounts.
 */
let viewsDir: string | undefined;

export function selfContainedViews(): string {
  if (viewsDir) return viewsDir;
  const uiDist = join(dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')), 'dist');
  const template = readFileSync(join(uiDist, 'index.ejs'), 'utf8')
    .split('\n')
    .filter((line) => !(line.trim().startsWith('<link') && line.includes('fonts.googleapis.com')))
    .join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'zekka-bull-board-'));
  // 'wx': the directory is new and ours, so the file cannot exist; refuse rather than follow anything.
  writeFileSync(join(dir, 'index.ejs'), template, { flag: 'wx', mode: 0o600 });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  viewsDir = dir;
  return dir;
}
