/** The OpenAPI 3.1 document, generated from the routes' own zod schemas (see api-router.ts). */
import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export function registerSecuritySchemes(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'an access token from POST /api/auth/login — or an API key (zk_…)',
  });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key from POST /api/auth/api-keys' });
}

export function generateOpenApiDocument(registry: OpenAPIRegistry, version: string): OpenApiDocument {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Zekka API',
      version,
      description: 'Submit software projects, follow their ten stages and 55 agent roles, fetch the generated files, and watch the money. Every error is `application/problem+json`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'auth', description: 'accounts, tokens, API keys, your own provider keys' },
      { name: 'projects', description: 'submit, follow and control projects' },
      { name: 'runs', description: 'stages, agents, events and conflicts of a project' },
      { name: 'artifacts', description: 'the generated files' },
      { name: 'costs', description: 'spend by model, project and day' },
      { name: 'operations', description: 'health, readiness, metrics' },
    ],
  });
}
