/** GET /api/openapi.json and Swagger UI at /api/docs (assets served by swagger-ui-express itself: no CDN). */
import type { Express, RequestHandler } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { OpenApiDocument } from '../openapi/document.js';

export function mountDocs(app: Express, document: () => OpenApiDocument): void {
  app.get('/api/openapi.json', (_req, res) => {
    res.json(document());
  });
  const label: RequestHandler = (_req, res, next) => {
    res.locals.routeLabel = '/api/docs';
    next();
  };
  app.use(
    '/api/docs',
    label,
    swaggerUi.serve,
    swaggerUi.setup(undefined, { swaggerOptions: { url: '/api/openapi.json', validatorUrl: null, persistAuthorization: false }, customSiteTitle: 'Zekka API' }),
  );
}
