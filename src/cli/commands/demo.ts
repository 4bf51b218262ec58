/**
 * `zekka demo [request.md]`: the main job, end to end in one process. Migrates the database
 * (embedded PGlite when DATABASE_URL is unset), runs the request through all ten stages with
 * in-process workers and a live progress display, writes the artifacts to `out/<project-id>/`,
 * prints a summary and exits 0 only when the project completed.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { registerRuntimeShutdown, startRuntime } from '../../runtime/runtime.js';
import { WorkerPool } from '../../../workers/worker-pool.js';
import { ProjectService } from '../../engine/project-service.js';
import { computeTotals } from '../../engine/project-finisher.js';
import { followProject } from '../progress/follow-project.js';
import { ProgressDisplay } from '../progress/progress-display.js';

const DEFAULT_REQUEST = 'examples/todo-app.md';
const DEMO_USER = 'demo@zekka.local';

function parseBudget(value: string): number {
  const budget = Number(value);
  if (!Number.isFinite(budget) || budget <= 0) throw new InvalidArgumentError('must be a positive number of US dollars');
  return budget;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a request (default: the shipped example) through all ten stages and write the artifacts to out/<project-id>/')
    .argument('[request]', 'a markdown file with the software request', DEFAULT_REQUEST)
    .option('--budget <usd>', 'budget in US dollars', parseBudget)
    .option('--out <dir>', 'where to write the artifacts', 'out')
    .action(async (requestFile: string, options: { budget?: number; out: string }) => {
      let requirements: string;
      try {
        requirements = await readFile(requestFile, 'utf8');
      } catch (error) {
        throw new Error(`cannot read the request file ${requestFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
      }
      const runtime = await startRuntime({ service: 'demo', allowEmbedded: true, logLevel: process.env.LOG_LEVEL ?? 'warn' });
      const pool = new WorkerPool({ deps: runtime.deps, connection: runtime.redis, prefix: runtime.env.QUEUE_PREFIX, queueGlobs: '*', agentConcurrency: runtime.env.WORKER_CONCURRENCY, lockDurationMs: runtime.env.JOB_LOCK_DURATION_MS, queueConcurrency: runtime.env.QUEUE_CONCURRENCY });
      runtime.shutdown.register('workers', () => pool.close());
      registerRuntimeShutdown(runtime);
      try {
        const { prisma } = runtime.deps;
        const owner = await prisma.user.upsert({ where: { email: DEMO_USER }, update: {}, create: { email: DEMO_USER, passwordHash: '!login-disabled' } });
        const projects = new ProjectService(runtime.deps, runtime.env.DEFAULT_BUDGET_USD);
        const title = /^#\s+(.+)$/m.exec(requirements)?.[1]?.trim() ?? requestFile;
        const project = await projects.create({ ownerId: owner.id, name: title.slice(0, 200), requirements, budgetUsd: options.budget });
        const display = new ProgressDisplay(process.stdout, project.name, project.id);
        const following = followProject(runtime.redis, runtime.deps.events, project.id, (event) => display.onEvent(event));
        await projects.execute(project.id);
        const final = await following;
        display.finish();

        const outDir = resolve(options.out, project.id);
        const files = await runtime.deps.artifacts.snapshot(project.id);
        for (const file of files) {
          const target = resolve(outDir, file.path);
          if (!target.startsWith(outDir + sep)) throw new Error(`refusing to write outside ${outDir}: ${file.path}`);
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, file.content);
        }
        const totals = await computeTotals(runtime.deps, project.id);
        const latest = await prisma.project.findUniqueOrThrow({ where: { id: project.id } });
        process.stdout.write(ProgressDisplay.summary({ status: latest.status, reason: latest.failureReason, totals, outDir: join(options.out, project.id), files: files.length }));
        process.exitCode = final === 'project.completed' ? 0 : 1;
      } finally {
        await runtime.shutdown.shutdown();
      }
    });
}
