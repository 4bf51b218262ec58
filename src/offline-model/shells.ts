/**
 * The shared shell files of stage 2 and their slot lines (see slots.ts). The section comments
 * between slots are part of the protocol: they are the unchanged lines that keep each editor's
 * hunk separate from its neighbours' in a 3-way merge.
 */
import type { AgentTask } from '../agents/agent-task.js';
import { file, type OutputFile } from './scaffold.js';
import { APP_SHELL_PATH, WEB_SHELL_PATH, slotLine } from './slots.js';

export const SERVER_ENTRY_PATH = 'src/server/server.ts';

export function appShell(task: AgentTask): OutputFile {
  return file(task, APP_SHELL_PATH, [
    '// The application shell. Five API Development agents each replace their own `zekka:slot` lines',
    '// (imports and wiring); every other line stays as it is, so their edits merge without conflict.',
    "import express, { type Express } from 'express';",
    "import { registerRoutes } from './routes/index.js';",
    '// Request middleware: request id and access log (Middleware Developer).',
    slotLine('middleware-imports'),
    '// Request body validation (Validation Creator).',
    slotLine('validation-imports'),
    '// Error responses (Error Handler).',
    slotLine('errors-imports'),
    '// Bearer-token authentication (Authentication Manager).',
    slotLine('authentication-imports'),
    '// Role-based authorization (Authorization Manager).',
    slotLine('authorization-imports'),
    '',
    'export function createApp(): Express {',
    '  const app = express();',
    "  app.disable('x-powered-by');",
    "  app.use(express.json({ limit: '1mb' }));",
    slotLine('middleware', '  '),
    "  app.get('/health', (_req, res) => {",
    "    res.json({ status: 'ok' });",
    '  });',
    '  const api = express.Router();',
    '  // Who is calling: every /api route needs a valid bearer token.',
    slotLine('authentication', '  '),
    "  // What they may do: the route's permission for the caller's role.",
    slotLine('authorization', '  '),
    '  // What they sent: bodies are checked against the entity schemas.',
    slotLine('validation', '  '),
    '  registerRoutes(api);',
    "  app.use('/api', api);",
    slotLine('errors', '  '),
    '  return app;',
    '}',
  ]);
}

/** The entry point; with real-time updates requested it has slots for the WebSocket Handler (stage 6). */
export function serverEntry(task: AgentTask): OutputFile {
  const realtime = task.analysis.realtime;
  return file(task, SERVER_ENTRY_PATH, [
    realtime ? '// The process entry point. The WebSocket Handler replaces the `zekka:slot` lines to attach' : '// The process entry point.',
    realtime && '// real-time updates to the HTTP server.',
    "import { createServer } from 'node:http';",
    "import { createApp } from './app.js';",
    realtime && slotLine('realtime-imports'),
    '',
    'const port = Number(process.env.PORT ?? 3000);',
    'const server = createServer(createApp());',
    realtime && slotLine('realtime'),
    'server.listen(port, () => {',
    `  console.log(\`${task.analysis.title.replace(/[`$\\]/g, '')} API listening on port \${port}\`);`,
    '});',
    "process.once('SIGTERM', () => {",
    '  server.close();',
    '});',
  ]);
}

export function webShell(task: AgentTask): OutputFile {
  return file(task, WEB_SHELL_PATH, [
    '// The web client shell. Four Frontend Development agents each replace their own `zekka:slot`',
    '// lines (imports and wiring); every other line stays as it is, so their edits merge cleanly.',
    "import type { ReactElement } from 'react';",
    '// Pages and navigation (Routing Manager).',
    slotLine('routing-imports'),
    '// Client state (State Manager).',
    slotLine('state-imports'),
    '// Server data (API Integration Specialist).',
    slotLine('api-client-imports'),
    '// Look and feel (UI/UX Designer).',
    slotLine('theme-imports'),
    '',
    `const TITLE = ${JSON.stringify(task.analysis.title)};`,
    '',
    'export function App(): ReactElement {',
    '  let tree: ReactElement = (',
    '    <main>',
    '      <h1>{TITLE}</h1>',
    '    </main>',
    '  );',
    slotLine('routing', '  '),
    '  // Providers wrap the tree from the inside out.',
    slotLine('state', '  '),
    '  // Server data is available to every page.',
    slotLine('api-client', '  '),
    "  // The theme is outermost so every provider's UI is styled.",
    slotLine('theme', '  '),
    '  return tree;',
    '}',
  ]);
}
