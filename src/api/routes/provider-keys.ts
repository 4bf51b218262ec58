/** /api/auth/provider-keys: store, list (names only) and remove your own Anthropic/Gemini keys. */
import { NotFoundError } from '../../errors/app-error.js';
import type { ApiContext } from '../api-context.js';
import { PROVIDERS, providerKeyListSchema, providerKeysBody, providerParams } from '../schemas/auth.js';

export function registerProviderKeyRoutes(ctx: ApiContext): void {
  const { api, audit, vault } = ctx;
  const list = async (userId: string) => ({ items: (await vault.list(userId)).map((k) => ({ provider: k.provider, updatedAt: k.updatedAt.toISOString() })) });

  api.route(
    {
      method: 'put',
      path: '/api/auth/provider-keys',
      operationId: 'putProviderKeys',
      summary: 'Store (or remove, with null) your own provider keys',
      description: 'Keys are encrypted at rest (AES-256-GCM), used for your projects, and never returned or logged. 503 when the server has no encryption key configured.',
      tag: 'auth',
      auth: 'user',
      body: providerKeysBody,
      responses: { 200: { description: 'the providers that now have a key', schema: providerKeyListSchema }, 503: { description: 'the feature is disabled on this server' } },
    },
    async ({ body, user }, req, res) => {
      const me = user();
      for (const provider of PROVIDERS) {
        const value = body[provider];
        if (value === undefined) continue;
        if (value === null) await vault.remove(me.id, provider);
        else await vault.set(me.id, provider, value);
        await audit.record(req, res, { action: value === null ? 'provider_key.remove' : 'provider_key.set', targetType: 'provider_key', targetId: me.id, details: { provider } });
      }
      res.json(await list(me.id));
    },
  );

  api.route(
    { method: 'get', path: '/api/auth/provider-keys', operationId: 'listProviderKeys', summary: 'Which providers have a stored key', tag: 'auth', auth: 'user', responses: { 200: { description: 'the providers', schema: providerKeyListSchema } } },
    async ({ user }, _req, res) => {
      res.json(await list(user().id));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api/auth/provider-keys/:provider',
      operationId: 'deleteProviderKey',
      summary: 'Remove your key for one provider',
      tag: 'auth',
      auth: 'user',
      params: providerParams,
      responses: { 204: { description: 'removed' } },
    },
    async ({ params, user }, req, res) => {
      if (!(await vault.remove(user().id, params.provider))) throw new NotFoundError('provider key');
      await audit.record(req, res, { action: 'provider_key.remove', targetType: 'provider_key', targetId: user().id, details: { provider: params.provider } });
      res.status(204).end();
    },
  );
}
