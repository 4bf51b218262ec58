/**
 * Bull Board at /admin/queues, listing every queue of the catalogue — admins only (401 without
 * credentials, 403 for other users). A browser gets in with HTTP Basic: any user name and an
 * admin's API key as the password; scripts use a Bearer token or X-API-Key as everywhere else.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
 * sans-serif) into a folder named by its content, shared by every process on the machine;
 * everything else about the page is Bull Board's own.
 */
function selfContainedViews(): string {
  const uiDist = join(dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')), 'dist');
  const template = readFileSync(join(uiDist, 'index.ejs'), 'utf8')
    .split('\n')
    .filter((line) => !(line.trim().startsWith('<link') && line.includes('fonts.googleapis.com')))
    .join('\n');
  const dir = join(tmpdir(), `zekka-bull-board-${createHash('sha256').update(template).digest('hex').slice(0, 16)}`);
  if (existsSync(join(dir, 'index.ejs'))) return dir;
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed: another process may be reading the file already.
  const partial = join(dir, `index.ejs.${process.pid}`);
  writeFileSync(partial, template);
  renameSync(partial, join(dir, 'index.ejs'));
  return dir;
}
