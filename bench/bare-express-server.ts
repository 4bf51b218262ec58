/**
 * The baseline of `npm run bench:api`: a bare Express 5 app with one route answering a project-sized
 * JSON document, no middleware, no authentication, no database. Run as its own process (like the
 * API) so that both compete for the same cores; prints its port on stdout.
 */
import express from 'express';

const body = {
  id: '00000000-0000-4000-8000-000000000000',
  name: 'baseline',
  status: 'running',
  currentStage: 4,
  budgetUsd: 10,
  spentUsd: 0.1234,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
  requirements: 'A task tracker API: users create projects and tasks with a title, an assignee and a due date; tasks move from todo to done; list overdue tasks.',
  progress: { stagesCompleted: 3, stagesTotal: 10, agentsTotal: 55, agentsCompleted: 20, agentsFailed: 0, agentsRunning: 4, percent: 30 },
};

const app = express();
app.get('/api/projects/:id', (req, res) => {
  res.json({ ...body, id: req.params.id });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
