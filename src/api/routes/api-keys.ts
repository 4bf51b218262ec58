/** /api/auth/api-keys: create (the key is shown once), list, revoke. An API key works wherever a token does. */
import { NotFoundError } from '../../errors/app-error.js';
import type { ApiContext } from '../api-context.js';
import { generateApiKey } from '../auth/api-keys.js';
import { publishCredentialChange } from '../auth/credential-changes.js';
import { apiKeyBody, apiKeyIdParams, apiKeyListSchema, createdApiKeySchema } from '../schemas/auth.js';
import { isoOrNull } from '../schemas/common.js';

interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const view = (k: ApiKeyRow) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.createdAt.toISOString(), lastUsedAt: isoOrNull(k.lastUsedAt), revokedAt: isoOrNull(k.revokedAt) });
const SELECT = { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export function registerApiKeyRoutes(ctx: ApiContext): void {
  const { api, audit } = ctx;
  const { prisma } = ctx.engine;

  api.route(
    {
      method: 'post',
      path: '/api/auth/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an API key (shown once)',
      tag: 'auth',
      auth: 'user',
      body: apiKeyBody,
      responses: { 201: { description: 'the key, with its secret this once', schema: createdApiKeySchema } },
    },
    async ({ body, user }, req, res) => {
      const { key, prefix, keyHash } = generateApiKey();
      const created = await prisma.apiKey.create({ data: { userId: user().id, name: body.name, prefix, keyHash }, select: SELECT });
      await audit.record(req, res, { action: 'api_key.create', targetType: 'api_key', targetId: created.id, details: { name: body.name, prefix } });
      res.status(201).json({ ...view(created), key });
    },
  );

  api.route(
    { method: 'get', path: '/api/auth/api-keys', operationId: 'listApiKeys', summary: 'Your API keys (without their secrets)', tag: 'auth', auth: 'user', responses: { 200: { description: 'the keys', schema: apiKeyListSchema } } },
    async ({ user }, _req, res) => {
      const keys = await prisma.apiKey.findMany({ where: { userId: user().id }, select: SELECT, orderBy: { createdAt: 'desc' } });
      res.json({ items: keys.map(view) });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/auth/api-keys/:id',
      operationId: 'revokeApiKey',
      summary: 'Revoke an API key (it stops working at once)',
      tag: 'auth',
      auth: 'user',
      params: apiKeyIdParams,
      responses: { 204: { description: 'revoked' } },
    },
    async ({ params, user }, req, res) => {
      const revoked = await prisma.apiKey.updateMany({ where: { id: params.id, userId: user().id, revokedAt: null }, data: { revokedAt: new Date() } });
      if (revoked.count === 0) {
        const exists = await prisma.apiKey.count({ where: { id: params.id, userId: user().id } });
        if (exists === 0) throw new NotFoundError('API key');
      } else {
        await audit.record(req, res, { action: 'api_key.revoke', targetType: 'api_key', targetId: params.id });
        // Sockets opened with this key close on every replica now; should Redis not take the message,
        // each replica's periodic re-check still closes them within REALTIME_RECHECK_INTERVAL_MS.
        await publishCredentialChange(ctx.engine.redis, ctx.engine.namespace, user().id).catch((error: unknown) =>
          ctx.engine.logger.warn('api key revoked, but the credentials-changed message failed', { error: error instanceof Error ? error.message : String(error) }),
        );
      }
      res.status(204).end();
    },
  );
}
