import { createHmac, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { GithubReview } from '../../src/arbitration/github-review.js';
import type { GithubWebhookHandler } from '../../src/arbitration/github-webhook.js';
import { parseReviewCommand } from '../../src/arbitration/review-command.js';
import { startHealthServer, type HealthServer } from '../../src/observability/health-server.js';
import { createHarness, type Harness } from '../support/engine-harness.js';
import { FakeGithubServer } from '../support/fake-github-server.js';
import { seedConflict, services, THEIRS } from './arbitration-fixtures.js';
import { clashOnSharedServerFile } from '../support/clashing-edits.js';

const SECRET = 'webhook-secret-for-tests';

// @octokit/* are ESM-only: loaded with import() so this file stays in mocha's require path and
// shares test/support/environment.ts (the run's database) with the root hooks.
let Github: typeof GithubReview;
let WebhookHandler: typeof GithubWebhookHandler;
before(async () => {
  ({ GithubReview: Github } = await import('../../src/arbitration/github-review.js'));
  ({ GithubWebhookHandler: WebhookHandler } = await import('../../src/arbitration/github-webhook.js'));
});
const REPO = 'acme/app';

describe('arbitration: review commands', () => {
  it('reads take ours, take theirs and resolve with a fenced block', () => {
    expect(parseReviewCommand('Looks fine.\n/zekka take ours\nthanks')).to.deep.equal({ take: 'ours' });
    expect(parseReviewCommand('/zekka take THEIRS')).to.deep.equal({ take: 'theirs' });
    expect(parseReviewCommand('/zekka resolve\n```ts\nconst a = 1;\n```')).to.deep.equal({ content: 'const a = 1;\n' });
    expect(parseReviewCommand('/zekka resolve without a block')).to.equal(undefined);
    expect(parseReviewCommand('please /zekka take ours')).to.equal(undefined);
    expect(parseReviewCommand('/zekka take both')).to.equal(undefined);
  });
});

describe('arbitration: human review through GitHub', function () {
  this.timeout(120_000);
  let h: Harness;
  let github: FakeGithubServer;
  let servers: HealthServer[] = [];
  let review: GithubReview;

  beforeEach(async () => {
    github = await new FakeGithubServer().start();
    github.permissions.set('maintainer', 'write');
    github.permissions.set('admin-user', 'admin');
    review = new Github({ token: FakeGithubServer.token, repo: REPO, baseUrl: github.url });
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    await h?.close();
    await github.close();
  });

  /** An arbitrator's HTTP server (health, metrics, webhook) on a free port. */
  async function webhookServer(secret: string | undefined = SECRET): Promise<string> {
    const handler = new WebhookHandler(h.deps, { secret, github: review });
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: {}, routes: handler.route() });
    servers.push(server);
    return `http://127.0.0.1:${server.port}/webhooks/github`;
  }

  let commentIds = 0;
  /** A signed `issue_comment` body as GitHub sends it: every comment has its own id. */
  function commentPayload(issueUrl: string, issueNumber: number, login: string, body: string): string {
    commentIds += 1;
    return JSON.stringify({
      action: 'created',
      repository: { full_name: REPO },
      issue: { number: issueNumber, html_url: issueUrl },
      comment: { id: 9_000_000 + commentIds, body, user: { login, type: 'User' } },
    });
  }

  async function deliver(url: string, body: string, options: { id?: string; signature?: string | null; event?: string } = {}): Promise<{ status: number; body: { status: string } }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-github-event': options.event ?? 'issue_comment', 'x-github-delivery': options.id ?? randomUUID() };
    const signature = options.signature === undefined ? `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` : options.signature;
    if (signature !== null) headers['x-hub-signature-256'] = signature;
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as { status: string } };
  }

  /** A conflict waiting for review with its issue opened on the fake GitHub. */
  async function waitingConflict() {
    h = await createHarness({ workers: false });
    const conflict = await seedConflict(h);
    const url = await review.open({ conflictId: conflict.id, projectId: conflict.projectId, projectName: 'p', type: 'code', path: conflict.path, reason: 'overlap', base: conflict.base ?? '', ours: conflict.ours ?? '', theirs: THEIRS });
    await h.deps.prisma.conflict.update({ where: { id: conflict.id }, data: { status: 'needs_review', reviewUrl: url } });
    const issue = [...github.issues.values()].find((i) => i.html_url === url);
    if (!issue) throw new Error('no issue');
    return { conflict, issue };
  }

  const statusOf = async (id: string) => (await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id } })).status;

  it('opens an issue for an unmergeable conflict, and a maintainer comment resumes the project', async () => {
    h = await createHarness({ reviewPollMs: 60_000, arbitration: services(new Map(), { review }) });
    // Two stage-4 agents rewrite the same line of the shared server file in different ways.
    h.provider.intercept = clashOnSharedServerFile;
    const projectId = await h.createProject({ requestFile: 'examples/api-only.md' });
    expect(await h.runToEnd(projectId)).to.equal('project.needs_review');
    const waiting = await h.deps.prisma.conflict.findFirstOrThrow({ where: { projectId, status: 'needs_review' } });
    expect(waiting.reviewUrl).to.match(/^https:\/\/github\.test\/acme\/app\/issues\/\d+$/);
    const issue = [...github.issues.values()].find((i) => i.html_url === waiting.reviewUrl);
    expect(issue?.body).to.include('**Base**').and.include('**Ours**').and.include('**Theirs**').and.include('/zekka take theirs').and.include(waiting.id);
    const project = await h.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(`${issue?.title} ${issue?.body}`).to.not.include(project.name).and.not.include(project.requirements.split('\n')[0]);

    const url = await webhookServer();
    const body = commentPayload(waiting.reviewUrl ?? '', issue?.number ?? 0, 'maintainer', '/zekka take theirs');
    const outcome = await h.runToEnd(projectId, async () => expect((await deliver(url, body)).body.status).to.equal('applied'));
    expect(outcome).to.equal('project.completed');
    expect(issue?.state).to.equal('closed');
    expect(issue?.comments).to.have.length(1);
    const applied = await h.deps.prisma.artifactVersion.findFirstOrThrow({ where: { artifact: { projectId, path: 'src/server/app.ts' }, author: `arbitrator:manual:${waiting.id}` } });
    expect(applied.content).to.equal(waiting.theirs);
    const attempts = await h.deps.prisma.arbitrationAttempt.findMany({ where: { conflictId: waiting.id }, orderBy: { createdAt: 'asc' } });
    expect(attempts.map((a) => [a.strategy, a.outcome])).to.deep.equal([
      ['merge', 'rejected'],
      ['human', 'needs_review'],
      ['human', 'resolved'],
    ]);
  });

  it('posts only the colliding hunks, the conflict id and a link: no project name, requirements or reason', async () => {
    h = await createHarness({ workers: false });
    const conflict = await seedConflict(h);
    const linked = new Github({ token: FakeGithubServer.token, repo: REPO, baseUrl: github.url, publicApiUrl: 'https://zekka.example.com/' });
    const requirements = 'Tenant secret: a payroll system for ACME Corp with salaries per employee.';
    const unchanged = Array.from({ length: 30 }, (_, i) => `// ${requirements} (${i})`).join('\n');
    const url = await linked.open({
      conflictId: conflict.id,
      projectId: conflict.projectId,
      projectName: 'Confidential Payroll of ACME',
      type: 'code',
      path: 'src/app.ts',
      reason: `the merge failed while reading: ${requirements}`,
      base: `${unchanged}\nexport const rate = 1;\n${unchanged}`,
      ours: `${unchanged}\nexport const rate = 2;\n${unchanged}`,
      theirs: `${unchanged}\nexport const rate = 3;\n${unchanged}`,
    });
    const issue = [...github.issues.values()].find((i) => i.html_url === url);
    const posted = `${issue?.title}\n${issue?.body}`;
    expect(posted).to.include(conflict.id).and.include('export const rate = 1;').and.include('export const rate = 2;').and.include('export const rate = 3;');
    expect(posted).to.include(`https://zekka.example.com/api/projects/${conflict.projectId}/conflicts/${conflict.id}`);
    expect(posted).to.not.include('Confidential Payroll').and.not.include('payroll system').and.not.include('the merge failed');
  });

  it('opens one issue per conflict: an arbitrator retrying after a crash finds the issue it opened', async () => {
    const { conflict, issue } = await waitingConflict();
    const other = await seedConflict(h);
    const request = { projectId: conflict.projectId, projectName: 'p', type: 'code', path: conflict.path, reason: 'overlap', base: '', ours: '', theirs: '' };
    expect(await review.open({ ...request, conflictId: conflict.id })).to.equal(issue.html_url);
    const second = await review.open({ ...request, conflictId: other.id });
    expect(second).to.not.equal(issue.html_url);
    expect(github.issues.size).to.equal(2);
    expect(github.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues'))).to.have.length(3);
  });

  it('answers 401 to a wrong or missing signature and applies nothing', async () => {
    const { conflict, issue } = await waitingConflict();
    const url = await webhookServer();
    const body = commentPayload(issue.html_url, issue.number, 'maintainer', '/zekka take theirs');
    expect((await deliver(url, body, { signature: null })).status).to.equal(401);
    expect((await deliver(url, body, { signature: 'sha256=' + '0'.repeat(64) })).status).to.equal(401);
    const otherSecret = `sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`;
    expect((await deliver(url, body, { signature: otherSecret })).status).to.equal(401);
    expect(await statusOf(conflict.id)).to.equal('needs_review');
    expect(issue.comments).to.deep.equal([]);
    expect(github.requests.filter((r) => r.path.includes('/collaborators/'))).to.deep.equal([]);
  });

  it('applies a delivery once when GitHub delivers it twice', async () => {
    const { conflict, issue } = await waitingConflict();
    const url = await webhookServer();
    const body = commentPayload(issue.html_url, issue.number, 'maintainer', '/zekka resolve\n```ts\nexport const resolved = true;\n```');
    const id = randomUUID();
    expect((await deliver(url, body, { id })).body.status).to.equal('applied');
    expect((await deliver(url, body, { id })).body.status).to.equal('duplicate');
    const settled = await h.deps.prisma.conflict.findUniqueOrThrow({ where: { id: conflict.id } });
    expect(settled).to.include({ status: 'resolving', strategy: 'manual', resolution: 'export const resolved = true;\n' });
    expect(issue.comments).to.have.length(1);
    expect(issue.state).to.equal('closed');
  });

  it('de-duplicates on the signed body, not on the unsigned delivery header', async () => {
    const { conflict, issue } = await waitingConflict();
    const url = await webhookServer();
    const reused = randomUUID();
    // Two different comments under one delivery id: both are read (the first is refused on its merits).
    expect((await deliver(url, commentPayload(issue.html_url, issue.number, 'stranger', '/zekka take ours'), { id: reused })).body.status).to.equal('ignored');
    const body = commentPayload(issue.html_url, issue.number, 'maintainer', '/zekka take theirs');
    expect((await deliver(url, body, { id: reused })).body.status).to.equal('applied');
    // The same signed body again under a fresh delivery id is a replay.
    expect((await deliver(url, body, { id: randomUUID() })).body.status).to.equal('duplicate');
    expect(await statusOf(conflict.id)).to.equal('resolving');
    expect(issue.comments).to.have.length(1);
  });

  it('ignores a command from a user without write permission', async () => {
    const { conflict, issue } = await waitingConflict();
    github.permissions.set('visitor', 'triage');
    const url = await webhookServer();
    expect((await deliver(url, commentPayload(issue.html_url, issue.number, 'visitor', '/zekka take theirs'))).body.status).to.equal('ignored');
    expect((await deliver(url, commentPayload(issue.html_url, issue.number, 'stranger', '/zekka take theirs'))).body.status).to.equal('ignored');
    expect(await statusOf(conflict.id)).to.equal('needs_review');
    expect(issue.state).to.equal('open');
    expect((await deliver(url, commentPayload(issue.html_url, issue.number, 'admin-user', '/zekka take ours'))).body.status).to.equal('applied');
    expect(await statusOf(conflict.id)).to.equal('resolving');
  });

  it('applies one answer when two arbitrators receive commands at once', async () => {
    const { conflict, issue } = await waitingConflict();
    const [first, second] = [await webhookServer(), await webhookServer()];
    const answers = await Promise.all([
      deliver(first, commentPayload(issue.html_url, issue.number, 'maintainer', '/zekka take theirs')),
      deliver(second, commentPayload(issue.html_url, issue.number, 'admin-user', '/zekka take ours')),
    ]);
    expect(answers.map((a) => a.body.status).sort()).to.deep.equal(['applied', 'ignored']);
    expect(await statusOf(conflict.id)).to.equal('resolving');
    expect(issue.comments).to.have.length(1);
  });

  it('refuses every delivery without a configured secret', async () => {
    const { conflict, issue } = await waitingConflict();
    const url = await webhookServer('');
    expect((await deliver(url, commentPayload(issue.html_url, issue.number, 'maintainer', '/zekka take theirs'))).status).to.equal(503);
    expect(await statusOf(conflict.id)).to.equal('needs_review');
  });
});
