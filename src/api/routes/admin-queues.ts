/**
 * Bull Board at /admin/queues, listing every queue of the catalogue — admins only (401 without
 * credentials, 403 for other users). A browser gets in with HTTP Basic: any user name and an
 * admin's API key as the password; scripts use a Bearer token or X-API-Key as everywhere else.
 */
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
  const label: RequestHandler = (_req, res, next) => {
    res.locals.routeLabel = ADMIN_QUEUES_PATH;
    next();
  };
  app.use(ADMIN_QUEUES_PATH, label, ...guards, serverAdapter.getRouter() as RequestHandler);
}
