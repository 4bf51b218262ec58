/**
 * The web dashboard (web/, built by Vite into dist/web) at `/`: its files with express.static, and
 * index.html for every other page path (`/projects/<id>`), so reloading a deep link works. Paths
 * the API owns — /api, /health, /metrics, /admin, /ws — are never answered here: an unknown
 * /api route still ends in the 404 problem document. Without a build, `/` says how to make one.
 * Helmet's CSP (`default-src 'self'`) applies unchanged: the build loads nothing from elsewhere.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';

const RESERVED = ['/api', '/health', '/metrics', '/admin', '/ws'];
const ROUTE_LABEL = '/(dashboard)';

/** dist/web of this checkout or image, whether this module runs from src/ (tsx) or dist/src/ (compiled). */
export function defaultDashboardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url)); // <root>/src/api/routes or <root>/dist/src/api/routes
  const up3 = resolve(here, '..', '..', '..');
  const root = basename(up3) === 'dist' ? dirname(up3) : up3;
  return join(root, 'dist', 'web');
}

function isReserved(path: string): boolean {
  const lower = path.toLowerCase();
  return RESERVED.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

// A file has a dot in its last segment; read without a regex, which backtracked over runs of dots.
const isPagePath = (path: string) => !path.slice(path.lastIndexOf('/') + 1).includes('.');

function notBuilt(res: Response, dir: string): void {
  res.locals.routeLabel = ROUTE_LABEL;
  res
    .status(503)
    .type('text/plain')
    .send(
      `The Zekka web dashboard is not built.\n\nBuild it with \`npm run build\` (or only the dashboard: \`npm run build:web\`); ` +
        `it is written to ${dir} and served here at /.\nThe REST API answers meanwhile at /api (documentation at /api/docs).\n`,
    );
}

export function mountDashboard(app: Express, dir: string = defaultDashboardDir()): void {
  const index = join(dir, 'index.html');
  const files = express.static(dir, {
    index: false,
    setHeaders: (res, file) => {
      res.locals.routeLabel = ROUTE_LABEL;
      // Vite names assets by content hash: they never change. index.html must be re-read to find new ones.
      res.setHeader('Cache-Control', file.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const readable = (req: Request) => (req.method === 'GET' || req.method === 'HEAD') && !isReserved(req.path);

  app.use((req, res, next) => (readable(req) ? files(req, res, next) : next()));
  app.use((req, res, next) => {
    if (!readable(req) || !isPagePath(req.path)) return next();
    if (!existsSync(index)) return notBuilt(res, dir);
    res.locals.routeLabel = ROUTE_LABEL;
    res.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }, (error) => {
      if (error) next(error);
    });
  });
}
