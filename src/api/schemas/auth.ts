/** Request and response schemas of /api/auth (validation and the OpenAPI document). */
import { z } from 'zod';
import { optionalTimestamp, timestamp } from './common.js';

const email = z.email().max(320).meta({ example: 'ada@example.com' });

export const registerBody = z
  .object({
    email,
    password: z.string().min(10, 'must be at least 10 characters').max(512).meta({ example: 'correct horse battery staple' }),
  })
  .strict()
  .meta({ id: 'RegisterRequest' });

/** Login takes any non-empty password: a policy message must not hint which accounts exist. */
export const loginBody = z
  .object({ email, password: z.string().min(1).max(512) })
  .strict()
  .meta({ id: 'LoginRequest' });

export const registeredUser = z.object({ id: z.uuid(), email: z.string() }).meta({ id: 'RegisteredUser' });

export const userSchema = z
  .object({ id: z.uuid(), email: z.string(), role: z.enum(['user', 'admin']), createdAt: timestamp, authenticatedWith: z.enum(['jwt', 'api-key']) })
  .meta({ id: 'User' });

export const tokenSchema = z
  .object({
    accessToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().meta({ description: 'seconds until the token expires' }),
  })
  .meta({ id: 'AccessToken' });

export const apiKeyBody = z.object({ name: z.string().trim().min(1).max(100) }).strict().meta({ id: 'CreateApiKeyRequest' });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().meta({ description: 'the first characters of the key, to tell keys apart' }),
    createdAt: timestamp,
    lastUsedAt: optionalTimestamp,
    revokedAt: optionalTimestamp,
  })
  .meta({ id: 'ApiKey' });

export const createdApiKeySchema = apiKeySchema
  .extend({ key: z.string().meta({ description: 'the key itself: shown this once, store it now' }) })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) }).meta({ id: 'ApiKeyList' });

export const apiKeyIdParams = z.object({ id: z.uuid() }).strict();

export const PROVIDERS = ['anthropic', 'gemini'] as const;

const providerSecret = z.string().trim().min(8).max(512).nullable();

export const providerKeysBody = z
  .object({ anthropic: providerSecret.optional(), gemini: providerSecret.optional() })
  .strict()
  .refine((body) => body.anthropic !== undefined || body.gemini !== undefined, { message: 'name at least one provider (a key, or null to remove it)' })
  .meta({ id: 'ProviderKeysRequest', description: 'a key per provider to store, or null to remove it; keys are never returned' });

export const providerKeyListSchema = z
  .object({ items: z.array(z.object({ provider: z.enum(PROVIDERS), updatedAt: timestamp })) })
  .meta({ id: 'ProviderKeyList', description: 'which providers have a stored key (the keys themselves are never returned)' });

export const providerParams = z.object({ provider: z.enum(PROVIDERS) }).strict();
