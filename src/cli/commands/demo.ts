/**
 * `zekka demo [request.md]`: the main job, end to end in one process. Migrates the database
 * (embedded PGlite when DATABASE_URL is unset), runs the request through all ten stages with
 * in-process workers and a live progress display (the verification rounds included), writes the
 * artifacts to `out/<project-id>/`, prints a summary with the verification result and exits 0 only
 * when the project completed (not when its software failed its checks).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { registerRuntimeShutdown, startRuntime } from '../../runtime/runtime.js';
import { Registry } from 'prom-client';
import { setUpArbitrator } from '../../arbitration/arbitrator-setup.js';
import { startProcessPool } from './process-pool.js';
import { ProjectService } from '../../engine/project-service.js';
import { computeTotals } from '../../engine/project-finisher.js';
import { followProject } from '../progress/follow-project.js';
import { writeUnder } from '../output/safe-files.js';
import { parseBudgetUsd, readRequestFile, requestTitle } from '../request-file.js';
import { ProgressDisplay } from '../progress/progress-display.js';
import { formatSummary, summaryFromTotals } from '../progress/run-summary.js';
import { VerificationRecords } from '../../verification/verification-records.js';

const DEFAULT_REQUEST = 'examples/todo-app.md';
const DEMO_USER = 'demo@zekka.local';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run a request (default: the shipped example) through all ten stages and write the artifacts to out/<project-id>/')
    .argument('[request]', 'a markdown file with the software request', DEFAULT_REQUEST)
    .option('--budget <usd>', 'budget in US dollars', parseBudgetUsd)
    .option('--out <dir>', 'where to write the artifacts', 'out')
    .action(async (requestFile: string, options: { budget?: number; out: string }) => {
      const requirements = await readRequestFile(requestFile);
      const runtime = await startRuntime({ service: 'demo', jwtSecret: 'unused', allowEmbedded: true, logLevel: process.env.LOG_LEVEL ?? 'warn' });
      // The configured strategy chain (ARBITRATION_STRATEGIES, providers), as `zekka arbitrator` settles conflicts.
      startProcessPool(runtime, '*', setUpArbitrator(runtime.deps, runtime.env, new Registry()).services);
      registerRuntimeShutdown(runtime);
      try {
        const { prisma } = runtime.deps;
        const owner = await prisma.user.upsert({ where: { email: DEMO_USER }, update: {}, create: { email: DEMO_USER, passwordHash: '!login-disabled' } });
        const projects = new ProjectService(runtime.deps, runtime.env.DEFAULT_BUDGET_USD);
        const project = await projects.create({ ownerId: owner.id, name: requestTitle(requirements, requestFile), requirements, budgetUsd: options.budget });
        const display = new ProgressDisplay(process.stdout, project.name, project.id, project.budgetMicros);
        const following = followProject(runtime.redis, runtime.deps.events, project.id, (event) => display.onEvent(event));
        await projects.execute(project.id);
        const final = await following;
        display.finish();

        const outDir = resolve(options.out, project.id);
        const files = await runtime.deps.artifacts.snapshot(project.id);
        for (const file of files) await writeUnder(outDir, file.path, file.content);
        const totals = await computeTotals(runtime.deps, project.id);
        const latest = await prisma.project.findUniqueOrThrow({ where: { id: project.id } });
        const written = `${files.length} files written to ${join(options.out, project.id)}/`;
        const verified = latest.runId ? await new VerificationRecords(runtime.deps.sql).lastOfRun(project.id, latest.runId) : undefined;
        const verification = verified ? { status: verified.status, profile: verified.profile, summary: verified.summary, round: verified.round } : null;
        process.stdout.write(formatSummary(summaryFromTotals({ status: latest.status, reason: latest.failureReason, totals, files: written, budgetMicros: latest.budgetMicros, verification })));
        process.exitCode = final === 'project.completed' ? 0 : 1;
      } finally {
        await runtime.shutdown.shutdown();
      }
    });
}
