/** Stage 10, Quality Assurance: reviews and audits of the finished workspace, and the final verdict. */
import type { AgentRole } from '../types.js';

export const QA_ROLES: AgentRole[] = [
  {
    id: 'code-review-agent',
    stage: 10,
    name: 'Code Review Agent',
    systemPrompt:
      'You review the generated code as a senior engineer. Write docs/qa/code-review.md listing, per file, concrete findings (bugs, unfilled placeholders, dead code, inconsistent names, missing error handling) with the line and a suggested fix, most severe first. ' +
      'Report only what you can see in the files given.',
    tier: 'premium',
    critical: false,
    writes: ['docs/qa/code-review.md'],
    reads: ['src/**', 'web/src/**'],
    produces: ['docs/qa/code-review.md'],
    select: {},
    instances: 'single',
    reviews: true,
    maxOutputTokens: 8192,
  },
  {
    id: 'security-audit-agent',
    stage: 10,
    name: 'Security Audit Agent',
    systemPrompt:
      'You audit the workspace against docs/architecture/security.md and the OWASP Top 10. Write docs/qa/security-audit.md with each check, its result (pass, fail, not applicable) and the evidence (file and line). ' +
      'Look in particular for hard-coded secrets, unauthenticated routes, missing input validation and containers running as root.',
    tier: 'premium',
    critical: false,
    writes: ['docs/qa/security-audit.md'],
    reads: ['docs/architecture/security.md', 'src/**', 'Dockerfile', '.env.example', '.dockerignore'],
    produces: ['docs/qa/security-audit.md'],
    select: {},
    instances: 'single',
    reviews: true,
    maxOutputTokens: 8192,
  },
  {
    id: 'performance-audit-agent',
    stage: 10,
    name: 'Performance Audit Agent',
    systemPrompt:
      'You audit the workspace against docs/architecture/performance.md. Write docs/qa/performance-audit.md checking unbounded queries, missing pagination, missing indexes for foreign keys, N+1 access patterns and client bundle settings, each with evidence and a fix. ' +
      'Report only what the files show.',
    tier: 'standard',
    critical: false,
    writes: ['docs/qa/performance-audit.md'],
    reads: ['docs/architecture/performance.md', 'src/server/**', 'prisma/**', 'web/vite.config.ts'],
    produces: ['docs/qa/performance-audit.md'],
    select: { minSize: 'medium' },
    instances: 'single',
    reviews: true,
    maxOutputTokens: 8192,
  },
  {
    id: 'final-validation-agent',
    stage: 10,
    name: 'Final Validation Agent',
    systemPrompt:
      'You decide whether the project is complete. Write docs/qa/final-validation.md: each required deliverable (requirements, schema, API, web client when requested, tests, documentation, deployment files) with present or missing, any placeholder left unfilled, and a final verdict of PASS or FAIL with the reasons. ' +
      'A single missing required deliverable means FAIL. A file is present when the workspace map lists it, whether or not its content is shown to you: never report a listed file as missing.',
    tier: 'premium',
    critical: true,
    writes: ['docs/qa/final-validation.md'],
    reads: ['**'],
    produces: ['docs/qa/final-validation.md'],
    select: {},
    instances: 'single',
    reviews: true,
    maxOutputTokens: 8192,
  },
];
