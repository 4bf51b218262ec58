/**
 * Projects on a Zekka API, for people: `zekka submit`, `zekka start`, `zekka follow`, `zekka status`,
 * `zekka cancel`, `zekka accept`. REST for everything but the live progress, which comes over the
 * /ws stream. `follow` (and `submit --follow`) exits 0 only when the project completed: software
 * that failed its checks (verification_failed) exits 1 until a person accepts it.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ProgressDisplay } from '../progress/progress-display.js';
import { formatSummary, formatUsd } from '../progress/run-summary.js';
import { verificationSummaryLine } from '../progress/verification-lines.js';
import { openRemote, withApiUrlOption, type Remote, type RemoteOptions } from '../remote/remote-context.js';
import { formatTable } from '../remote/table.js';
import { fetchRunSummary, FOLLOW_OPTION_HELP, getProject, getVerification, parseProjectId, projectCommand, projectPath, type ProjectDetailView, type ProjectVerification, type ProjectView } from '../remote/remote-project.js';
import { followRemoteProject } from '../remote/stream-follower.js';
import { parseBudgetUsd, readRequestFile, requestTitle } from '../request-file.js';

const out = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

const money = (view: { micros: string }) => formatUsd(BigInt(view.micros));

/** Follows the project to its end, prints the summary, and sets the exit code. */
async function followToEnd(remote: Remote, project: ProjectView): Promise<void> {
  const display = new ProgressDisplay(process.stdout, project.name, project.id, BigInt(project.budget.micros));
  const end = await followRemoteProject({
    apiUrl: remote.client.baseUrl,
    token: remote.credential.token,
    projectId: project.id,
    onEvent: (event) => display.onEvent(event),
    onNotice: (message) => {
      display.finish();
      process.stderr.write(`zekka: ${message}\n`);
    },
  }).finally(() => display.finish());
  const summary = await fetchRunSummary(remote.client, project.id);
  process.stdout.write(formatSummary(summary));
  if (end === 'project.needs_review') {
    process.stderr.write(`zekka: the project waits for a person to settle a conflict: zekka conflicts ${project.id} shows it and how to answer; follow it again afterwards\n`);
  }
  if (end === 'project.awaiting_plan_review') {
    process.stderr.write(`zekka: the plan awaits review: zekka plan show ${project.id} prints it, zekka plan edit ${project.id} <file> saves an edit; zekka start ${project.id} continues\n`);
  }
  if (end === 'project.verification_failed') {
    process.stderr.write(`zekka: the software did not pass its own checks: accept it as it is with zekka accept ${project.id}, or repair again with zekka start ${project.id}\n`);
  }
  process.exitCode = end === 'project.completed' ? 0 : 1;
}

async function submit(requestFile: string, options: RemoteOptions & { name?: string; budget?: number; follow?: boolean; reviewPlan?: boolean }): Promise<void> {
  const requirements = await readRequestFile(requestFile);
  const remote = await openRemote(options);
  const name = options.name ?? requestTitle(requirements, requestFile);
  const project = await remote.client.json<ProjectView>('POST', '/api/projects', { body: { name, requirements, budgetUsd: options.budget, ...(options.reviewPlan ? { options: { reviewPlan: true } } : {}) } });
  await remote.client.json('POST', projectPath(project.id, '/execute'));
  out(`submitted ${project.id} (${project.name}), budget ${money(project.budget)}`);
  if (options.follow) return followToEnd(remote, project);
  out(`follow it with: zekka follow ${project.id}`);
}

async function follow(id: string, options: RemoteOptions): Promise<void> {
  const remote = await openRemote(options);
  const project = await getProject(remote.client, id);
  if (project.status === 'created') {
    // Nothing would ever arrive: say so instead of waiting.
    process.stderr.write(`zekka: project ${id} has not been started; start it with: zekka start ${id} --follow\n`);
    process.exitCode = 1;
    return;
  }
  await followToEnd(remote, project);
}

/** Starts a created project, or resumes a failed, cancelled or budget-exhausted one from its first unfinished stage (a verification_failed one: verify and repair again). */
async function start(id: string, options: RemoteOptions & { follow?: boolean }): Promise<void> {
  const remote = await openRemote(options);
  const run = await remote.client.json<{ runId: string; started: boolean }>('POST', projectPath(id, '/execute'));
  const project = await getProject(remote.client, id);
  out(`${run.started ? 'started' : 'already running:'} ${project.id} (${project.name}), run ${run.runId}`);
  if (options.follow) return followToEnd(remote, project);
  out(`follow it with: zekka follow ${project.id}`);
}

function stageOf(project: ProjectView): string {
  return project.currentStage ? `${project.currentStage.number}/10 ${project.currentStage.name}` : '-';
}

function printProject(project: ProjectDetailView, verification: ProjectVerification): void {
  const { progress } = project;
  const lines = [
    `project   ${project.id}`,
    `name      ${project.name}`,
    `status    ${project.status}${project.failureReason ? ` (${project.failureReason})` : ''}`,
    `verified  ${verificationSummaryLine(verification.latest)}`,
    `stage     ${stageOf(project)}  (${progress.stagesCompleted}/${progress.stagesTotal} stages completed, ${progress.percent}%)`,
    `agents    ${progress.agentsCompleted} completed, ${progress.agentsFailed} failed, ${progress.agentsRunning} running (${progress.agentsTotal} dispatched)`,
    `spend     ${money(project.spent)} of ${money(project.budget)}`,
    `created   ${project.createdAt}${project.completedAt ? `  ended ${project.completedAt}` : ''}`,
  ];
  out(lines.join('\n'));
}

function printProjectList(items: ProjectView[], more: boolean): void {
  if (items.length === 0) return out('no projects yet: zekka submit <request.md>');
  const rows = items.map((p) => [p.id, p.status, stageOf(p), `${money(p.spent)} / ${money(p.budget)}`, p.createdAt.slice(0, 19).replace('T', ' '), p.name]);
  out(formatTable(['ID', 'STATUS', 'STAGE', 'SPENT / BUDGET', 'CREATED (UTC)', 'NAME'], rows));
  if (more) out(`(newest ${items.length} shown; --limit shows more)`);
}

async function status(id: string | undefined, options: RemoteOptions & { json?: boolean; limit: number }): Promise<void> {
  const remote = await openRemote(options);
  if (id) {
    const [project, verification] = await Promise.all([getProject(remote.client, id), getVerification(remote.client, id)]);
    return options.json ? out(JSON.stringify({ ...project, verification: verification.latest }, null, 2)) : printProject(project, verification);
  }
  const page = await remote.client.json<{ items: ProjectView[]; nextCursor: string | null }>('GET', '/api/projects', { query: { limit: options.limit } });
  return options.json ? out(JSON.stringify(page.items, null, 2)) : printProjectList(page.items, page.nextCursor !== null);
}

async function cancel(id: string, options: RemoteOptions): Promise<void> {
  const remote = await openRemote(options);
  const project = await remote.client.json<ProjectView>('POST', projectPath(id, '/cancel'));
  out(`cancelled ${project.id} (${project.name})`);
}

/** A person takes software that failed its checks as it is: the project becomes completed. */
async function accept(id: string, options: RemoteOptions): Promise<void> {
  const remote = await openRemote(options);
  const project = await remote.client.json<ProjectView>('POST', projectPath(id, '/accept'));
  out(`accepted ${project.id} (${project.name}): ${project.status}, although its software did not pass its own checks`);
}

export function registerRemoteProjectCommands(program: Command): void {
  withApiUrlOption(
    program
      .command('submit')
      .description('submit a software request to a Zekka API and start it')
      .argument('<request>', 'a markdown file with the software request')
      .option('--name <name>', "the project's name (default: the request's first heading)")
      .option('--budget <usd>', 'budget in US dollars (default: the server’s)', parseBudgetUsd)
      .option('--review-plan', 'stop after the Requirements stage so the plan can be read and edited (zekka plan); zekka start continues')
      .option('--follow', FOLLOW_OPTION_HELP),
  ).action(submit);
  projectCommand(program, 'follow', 'show a project’s progress live until it ends; exit code 0 only when it completed').action(follow);
  projectCommand(
    program,
    'start',
    'start a project that was created but not started, or resume a failed, cancelled or budget-exhausted one from its first unfinished stage (a verification_failed one: verify and repair again)',
  )
    .option('--follow', FOLLOW_OPTION_HELP)
    .action(start);
  withApiUrlOption(
    program
      .command('status')
      .description('your projects, newest first, or one project in detail')
      .argument('[id]', 'a project id', parseProjectId)
      .addOption(new Option('--limit <n>', 'how many projects to list').argParser(parseLimit).default(20))
      .option('--json', 'print the API’s JSON'),
  ).action(status);
  projectCommand(program, 'cancel', 'cancel a project: no new agents start').action(cancel);
  projectCommand(program, 'accept', 'accept a project whose software did not pass its own checks (verification_failed): it becomes completed').action(accept);
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidArgumentError('must be a whole number from 1 to 100');
  return limit;
}
