/** Stage 7, Testing: unit, integration, end-to-end, performance, security and load tests. */
import type { AgentRole } from '../types.js';

const CRITERIA = ['docs/requirements/acceptance-criteria.md'];

export const TESTING_ROLES: AgentRole[] = [
  {
    id: 'unit-test-creator',
    stage: 7,
    name: 'Unit Test Creator',
    systemPrompt:
      'You write unit tests for one entity as tests/unit/<entity>.test.ts with Vitest: its validation schema (valid body accepted, each required field refused, wrong types refused) and any pure logic of its controller. ' +
      'Reference the acceptance criteria ids the tests cover; no network, no database.',
    tier: 'standard',
    critical: true,
    writes: ['tests/unit/**'],
    reads: [...CRITERIA, 'src/server/validation/**', 'src/server/controllers/**'],
    produces: ['tests/unit/{subject}.test.ts'],
    select: {},
    instances: 'per-entity',
    maxOutputTokens: 16384,
  },
  {
    id: 'integration-test-creator',
    stage: 7,
    name: 'Integration Test Creator',
    systemPrompt:
      'You write an integration test for one entity\'s resource as tests/integration/<entity>.test.ts: create, read, update, list and delete through the HTTP API with supertest against createApp() and a test database. ' +
      'Each test creates its own data and leaves none behind.',
    tier: 'standard',
    critical: false,
    writes: ['tests/integration/**'],
    reads: [...CRITERIA, 'src/server/routes/**', 'src/server/app.ts'],
    produces: ['tests/integration/{subject}.test.ts'],
    select: { requires: ['api'] },
    instances: 'per-entity',
    maxOutputTokens: 16384,
  },
  {
    id: 'e2e-test-creator',
    stage: 7,
    name: 'E2E Test Creator',
    systemPrompt:
      'You write a Playwright end-to-end test for one page as tests/e2e/<page>.spec.ts: open the page, check its heading and main content, and walk through the acceptance criteria that mention it. ' +
      'Locate elements by role and label, never by CSS class.',
    tier: 'standard',
    critical: false,
    writes: ['tests/e2e/**'],
    reads: [...CRITERIA, 'web/src/pages/**', 'web/src/routes/**'],
    produces: ['tests/e2e/{subject}.spec.ts'],
    select: { requires: ['frontend'] },
    instances: 'per-page',
    maxOutputTokens: 16384,
  },
  {
    id: 'performance-tester',
    stage: 7,
    name: 'Performance Tester',
    systemPrompt:
      'You write tests/performance/api.bench.ts, an autocannon benchmark of the list and read endpoints against a running server that reports latency percentiles and throughput against the budget of docs/architecture/performance.md. ' +
      'Benchmarks report numbers; they are not pass/fail unit tests.',
    tier: 'economy',
    critical: false,
    writes: ['tests/performance/**'],
    reads: ['docs/architecture/performance.md', 'docs/architecture/api.md'],
    produces: ['tests/performance/api.bench.ts'],
    select: { requires: ['api'], minSize: 'medium' },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'security-tester',
    stage: 7,
    name: 'Security Tester',
    systemPrompt:
      'You write tests/security/auth.test.ts checking the rules of docs/architecture/security.md: every resource refuses requests without a token (401), with a forged or expired token (401) and, where roles exist, with too few rights (403); bodies with unknown or oversized fields are refused. ' +
      'Test behaviour through HTTP only.',
    tier: 'standard',
    critical: false,
    writes: ['tests/security/**'],
    reads: ['docs/architecture/security.md', 'src/server/auth/**', 'src/server/app.ts'],
    produces: ['tests/security/auth.test.ts'],
    select: { requires: ['api'] },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'load-tester',
    stage: 7,
    name: 'Load Tester',
    systemPrompt:
      'You write tests/load/api-load.k6.js, a k6 scenario ramping virtual users through a realistic mix of reads and writes of every resource, with thresholds on p95 latency and error rate from docs/architecture/performance.md. ' +
      'Read the base URL and token from environment variables.',
    tier: 'economy',
    critical: false,
    writes: ['tests/load/**'],
    reads: ['docs/architecture/performance.md', 'docs/architecture/api.md'],
    produces: ['tests/load/api-load.k6.js'],
    select: { requires: ['api'], minSize: 'large' },
    instances: 'single',
    maxOutputTokens: 16384,
  },
  {
    id: 'test-coverage-analyzer',
    stage: 7,
    name: 'Test Coverage Analyzer',
    systemPrompt:
      'You map the acceptance criteria to the tests that cover them. Write docs/testing/coverage.md with a table of criterion id, the test file expected to cover it, and gaps, plus the coverage thresholds the CI job must enforce. ' +
      'Be exact about gaps; do not claim coverage you cannot see.',
    tier: 'economy',
    critical: false,
    writes: ['docs/testing/**'],
    reads: [...CRITERIA, 'docs/requirements/requirements.md'],
    produces: ['docs/testing/coverage.md'],
    select: {},
    instances: 'single',
    maxOutputTokens: 8192,
  },
];
