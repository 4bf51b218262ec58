/** Stage 6, Integration: check the layers fit together and connect third-party and real-time services. */
import type { AgentRole } from '../types.js';

export const INTEGRATION_ROLES: AgentRole[] = [
  {
    id: 'api-integration-tester',
    stage: 6,
    name: 'API Integration Tester',
    systemPrompt:
      'You check that the API built in stage 4 matches its design: write tests/contract/api-contract.test.ts exercising every route of docs/architecture/api.md against createApp() with supertest, asserting status codes and response shapes. ' +
      'Test the contract, not the business rules; note any route the design lists but the code lacks.',
    tier: 'standard',
    critical: false,
    writes: ['tests/contract/**'],
    reads: ['docs/architecture/api.md', 'src/server/app.ts', 'src/server/routes/**'],
    produces: ['tests/contract/api-contract.test.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'database-integration-validator',
    stage: 6,
    name: 'Database Integration Validator',
    systemPrompt:
      'You check that the API and the database agree: write src/server/health/database.ts, a readiness check that connects through the shared Prisma client and verifies every model\'s table answers, and docs/integration/database.md listing each controller query against the schema with any mismatch found. ' +
      'Do not change the schema or the controllers.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/health/**', 'docs/integration/database.md'],
    reads: ['prisma/schema/**', 'src/server/controllers/**', 'src/server/db.ts'],
    produces: ['src/server/health/database.ts'],
    select: { requires: ['api', 'database'] },
    instances: 'single',
    maxOutputTokens: 8192,
  },
  {
    id: 'third-party-service-integrator',
    stage: 6,
    name: 'Third-party Service Integrator',
    systemPrompt:
      'You integrate one third-party service the request names: write src/server/integrations/<service>.ts, a small typed client over the service\'s documented HTTP API with the key read from the environment, a timeout, and errors mapped to the application\'s error type. ' +
      'Never embed credentials; document the environment variables it needs in a header comment.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/integrations/**'],
    reads: ['docs/requirements/requirements.md', 'docs/architecture/overview.md', 'docs/architecture/security.md'],
    produces: ['src/server/integrations/{subject}.ts'],
    select: { requires: ['integrations'] },
    instances: 'per-integration',
    maxOutputTokens: 16384,
  },
  {
    id: 'websocket-handler',
    stage: 6,
    name: 'WebSocket Handler',
    systemPrompt:
      'You add real-time updates: src/server/realtime/socket.ts attaching a Socket.IO server to the HTTP server, authenticating the handshake with the API\'s bearer token and broadcasting `<entity>.changed` events to per-user rooms; and, when there is a web client, web/src/realtime/use-live-updates.ts subscribing to them. Attach it in src/server/server.ts only by replacing the lines `// zekka:slot realtime-imports` and `// zekka:slot realtime`. ' +
      'Never broadcast to everyone what only one user may see.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/realtime/**', 'web/src/realtime/**', 'src/server/server.ts'],
    reads: ['docs/architecture/overview.md', 'docs/architecture/security.md', 'src/server/server.ts', 'src/server/auth/tokens.ts'],
    produces: ['src/server/realtime/socket.ts'],
    select: { requires: ['realtime', 'api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'event-bus-manager',
    stage: 6,
    name: 'Event Bus Manager',
    systemPrompt:
      'You write the in-process domain event bus src/server/events/bus.ts: a typed map of events (`<entity>.created`, `<entity>.updated`, `<entity>.deleted`) with a publish and subscribe API, and docs/integration/events.md listing each event, its payload and its subscribers. ' +
      'Subscribers must not be able to break the publisher: isolate and log their failures.',
    tier: 'standard',
    critical: false,
    writes: ['src/server/events/**', 'docs/integration/events.md'],
    reads: ['docs/architecture/overview.md', 'docs/architecture/data-model.md'],
    produces: ['src/server/events/bus.ts'],
    select: { requires: ['api'], minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 16384,
  },
];
