/**
 * Import rules (run by `npm run lint`). The layers, highest first; a module may import its own
 * layer and the layers below it, never one above:
 *
 *   cli, runtime            the entry points: parse commands, wire processes together
 *   api, workers            HTTP/Socket.IO edge; the processors that serve the queues
 *   arbitration             conflict resolution over the engine's records
 *   engine, verification    the project flow; verification is the flow's verify stage and uses
 *                           the engine's ids and workspace, so the two share a layer
 *   queues                  the job catalogue: the engine's contract with its workers
 *   economics               prices, budgets, the cost ledger
 *   offline-model           the deterministic generator, a provider plugged in by runtime only
 *   models                  providers, routing, credentials (and the budget port the router uses)
 *   agents                  roles, stages, prompts, the agent's task
 *   db, redis, config, errors, logging, lifecycle (shutdown), observability (health) — the base
 *
 * No cycles, counting type-only imports (tsPreCompilationDeps), so a type cannot smuggle a
 * dependency back up. `web/` is a separate program (the browser dashboard): the server never imports
 * it, and it may import server modules only where they reach no Node built-in or server package.
 */
const { builtinModules } = require('node:module');

const layers = [
  { name: 'cli/runtime', path: '^src/(cli|runtime)/' },
  { name: 'api/workers', path: '^(src/api|workers)/' },
  { name: 'arbitration', path: '^src/arbitration/' },
  { name: 'engine/verification', path: '^src/(engine|verification)/' },
  { name: 'queues', path: '^queues/' },
  { name: 'economics', path: '^src/economics/' },
  { name: 'offline-model', path: '^src/offline-model/' },
  { name: 'models', path: '^src/models/' },
  { name: 'agents', path: '^src/agents/' },
  { name: 'base', path: '^src/(db|redis|config|errors|logging|lifecycle|observability|generated)/' },
];

const upwards = layers.slice(1).map((layer, index) => ({
  name: `layer-${layer.name.replace('/', '-')}`,
  comment: `${layer.name} may not import a layer above it (${layers.slice(0, index + 1).map((l) => l.name).join(', ')})`,
  severity: 'error',
  from: { path: layer.path },
  to: { path: layers.slice(0, index + 1).map((l) => l.path) },
}));

module.exports = {
  forbidden: [
    ...upwards,
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'offline-model-via-runtime',
      comment: 'only src/runtime adds the offline model to the router; nothing else imports it',
      severity: 'error',
      from: { path: '^(src|queues|workers)/', pathNot: '^src/(runtime|offline-model)/' },
      to: { path: '^src/offline-model/' },
    },
    {
      name: 'prisma-client-via-db',
      comment: 'the generated Prisma client is reached through src/db only',
      severity: 'error',
      from: { path: '^(src|queues|workers)/', pathNot: '^src/(db|generated)/' },
      to: { path: '^src/generated/' },
    },
    {
      name: 'server-not-web',
      comment: 'the server does not import the web client',
      severity: 'error',
      from: { path: '^(src|queues|workers)/' },
      to: { path: '^web/' },
    },
    {
      name: 'web-browser-only',
      comment: 'web/ runs in the browser: what it imports from the server must not reach Node built-ins or server-side packages',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: [`^(node:)?(${builtinModules.join('|')})$`, 'node_modules/(ioredis|bullmq|pg|@prisma|express|winston|argon2|socket[.]io/)'], reachable: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that does not resolve is a broken import',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    exclude: { path: ['\\.d\\.ts$'] },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    skipAnalysisNotInRules: true,
  },
};
