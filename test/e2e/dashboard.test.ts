/**
 * The web dashboard end to end in headless Chromium: an API server on 127.0.0.1 with Socket.IO and
 * in-process workers; the browser registers and signs in, submits a request, watches it to the end
 * on the live view (all ten stages done, each agent's state, the spend chart) through a connection
 * the server drops mid-run, checks the conflicts, opens a file of the
 * tree, reloads the deep link, and downloads the archive; a project whose software failed its
 * checks shows each round live and is accepted from its page. Every request the page makes must go to
 * the loopback server, and the console must stay free of errors (a CSP violation is one).
 *
 * The dashboard is built from web/ into a temporary folder first, so the test runs the sources as
 * they are, not whatever dist/web holds.
 */
import { projectSpent } from '../../src/economics/cost-ledger.js';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { startApiHarness, type ApiHarness } from '../api/api-harness.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { clashOnSharedServerFile } from '../support/clashing-edits.js';
import { failVerification } from '../support/verification-fixture.js';
import { waitFor } from '../support/wait-for.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const RUN_TIMEOUT_MS = 120_000;

async function buildDashboard(outDir: string): Promise<void> {
  await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], { timeout: 120_000 });
}

describe('e2e: the web dashboard in headless Chromium', function () {
  this.timeout(RUN_TIMEOUT_MS + 90_000);
  let outDir: string;
  let api: ApiHarness;
  let browser: TestBrowser;
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'zekka-web-'));
    await buildDashboard(outDir);
    // Calls priced as Claude Sonnet, so the spend chart has something to draw.
    api = await startApiHarness({ api: { dashboardDir: outDir }, engine: { workers: true, modelForTier: () => 'claude-sonnet-4-6' }, realtime: true });
    browser = await launchBrowser();
    browser.context.on('request', (request) => requested.push(request.url()));
    browser.context.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('registers, submits, follows the project to completion, opens a file and downloads the archive', async () => {
    const email = `web-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${api.url}/`);

    // Register (the form signs in right after).
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'No account yet? Create one' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create an account' }).click();
    // The API's field error is shown and tied to the field.
    await page.getByText('must be at least 10 characters').waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).to.equal('true');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    // The account's month against its spending cap (the configured default: $100).
    expect(await page.getByTestId('account-spend').innerText()).to.equal('Account: $0.00 of $100.00 this month');
    // The refused registration above logged its 400; from here on the console must stay clean.
    expect(consoleErrors.splice(0)).to.have.length(1);

    // Submit a request with a budget; the page opens the live view.
    const projectId = await submitRequest(page, 'todo from the browser', 'examples/todo-app.md', '25');
    await page.getByRole('heading', { name: 'todo from the browser', level: 1 }).waitFor();

    // The server drops every socket mid-run (as an API process does when it shuts down): the page
    // reconnects and resumes from the last seq it holds.
    await page.locator('li.stage[data-stage="1"][data-status="completed"]').waitFor({ timeout: RUN_TIMEOUT_MS });
    const socketIds = async () => (await api.realtime?.io.fetchSockets())?.map((socket) => socket.id) ?? [];
    const [first] = await socketIds();
    expect(first, 'the page is connected').to.be.a('string');
    api.realtime?.io.disconnectSockets(true);
    await waitFor('the page to reconnect with a new socket', async (note) => note(await socketIds()).some((id) => id !== first), { timeoutMs: 10_000 });

    // Live: every stage reaches done, the live region says so.
    await page.locator('li.stage[data-status="completed"]').nth(9).waitFor({ timeout: RUN_TIMEOUT_MS });
    await page.getByRole('status').filter({ hasText: 'Project completed' }).waitFor();
    expect(await page.locator('li.stage').count()).to.equal(10);
    const agentStates = await Promise.all((await page.locator('li.agent').all()).map((agent) => agent.getAttribute('data-status')));
    expect(agentStates).to.have.length(await api.engine.deps.prisma.agentRun.count({ where: { projectId } }));
    expect(new Set(agentStates)).to.deep.equal(new Set(['completed']));
    await page.getByText('Live updates: live').waitFor();

    // Spend against budget: a drawn line and a caption naming both amounts.
    const project = await api.engine.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } });
    expect(project.status).to.equal('completed');
    expect(project.budgetMicros).to.equal(25_000_000n);
    expect((await projectSpent(api.engine.deps.sql, projectId)) > 0n).to.equal(true);
    expect(await page.locator('figure.chart path.spent').getAttribute('d')).to.match(/^M[\d.]+,[\d.]+ L/);
    const caption = await page.locator('#spend-caption').innerText();
    expect(caption).to.include(`of $25.00 budget`);
    expect(caption).to.match(/Spent \$0\.\d{4}|Spent \$\d+\.\d{2}/);

    // Conflicts with how each was settled (this request makes stage-4 and stage-5 agents collide).
    const conflicts = await api.engine.deps.prisma.conflict.findMany({ where: { projectId } });
    expect(conflicts.length, 'the request should produce conflicts').to.be.greaterThan(0);
    await page.getByRole('heading', { name: `Conflicts (${conflicts.length})` }).waitFor();
    const row = page.locator('section[aria-labelledby="conflicts-title"] tbody tr').first();
    const shown = `${await row.locator('th').innerText()} ${await row.locator('td').nth(2).innerText()} ${(await row.locator('td').nth(3).innerText()).split(' (')[0]}`;
    expect(conflicts.map((c) => `${c.path} ${c.status} ${c.strategy}`)).to.include(shown);
    await row.getByRole('button', { name: 'Show' }).click();
    expect(await row.getByRole('button', { name: 'Hide' }).getAttribute('aria-expanded')).to.equal('true');
    const resolutions = conflicts.map((c) => c.resolution);
    expect(resolutions).to.include(await page.locator('section[aria-labelledby="conflicts-title"] pre.file').first().textContent());

    // The file tree: open a nested file (by keyboard) and see exactly its stored content.
    const token = ((await api.request('POST', '/api/auth/login', { body: { email, password } })).json as { accessToken: string }).accessToken;
    const files = (await api.request('GET', `/api/projects/${projectId}/artifacts`, { token })).json as { items: { path: string }[] };
    const path = files.items.map((f) => f.path).find((p) => p.split('/').length === 2) ?? '';
    await openFile(page, path);
    const stored = await api.request('GET', `/api/projects/${projectId}/artifacts/${path}`, { token });
    expect(stored.status).to.equal(200);
    expect(await page.locator('section.file-view pre.file').textContent()).to.equal(stored.text);

    // A deep link survives a reload (the server's page fallback and the session in sessionStorage).
    await page.reload();
    await page.getByRole('heading', { name: 'todo from the browser', level: 1 }).waitFor();
    await page.locator('li.stage[data-status="completed"]').nth(9).waitFor();

    // The archive: a real, non-empty tar.gz.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download .tar.gz' }).click()]);
    expect(download.suggestedFilename()).to.match(/\.tar\.gz$/);
    const archive = await readFile((await download.path()) ?? '');
    expect(archive.length).to.be.greaterThan(100);
    expect([archive[0], archive[1]], 'gzip magic').to.deep.equal([0x1f, 0x8b]);
    const tar = gunzipSync(archive);
    expect(tar.subarray(257, 262).toString('latin1'), 'ustar header').to.equal('ustar');
    expect(tar.toString('latin1')).to.include('README.md');
    await page.getByRole('status').filter({ hasText: /Downloaded \S*\.tar\.gz/ }).waitFor();

    // Nothing left the machine, nothing went wrong in the page.
    const hosts = requested.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:')).map((url) => new URL(url).host.replace(/:\d+$/, ''));
    expect(hosts.length).to.be.greaterThan(10);
    expect(hosts.filter((host) => !LOOPBACK.has(host))).to.deep.equal([]);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('answers a conflict that waits for a person and sets the budget, from the project page', async () => {
    const user = await api.user('web-review');
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${api.url}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();

    // Two stage-4 agents rewrite the same line of one file: no merge settles it, a person must.
    api.engine.provider.intercept = clashOnSharedServerFile;
    try {
      const projectId = await submitRequest(page, 'needs a person', 'examples/api-only.md', '20');

      await page.getByRole('button', { name: /^Take theirs: / }).waitFor({ timeout: RUN_TIMEOUT_MS });
      const waiting = await api.engine.deps.prisma.conflict.findFirstOrThrow({ where: { projectId, status: 'needs_review' } });
      await page.getByRole('button', { name: `Take theirs: ${waiting.path ?? ''}` }).click();
      await page.getByRole('status').filter({ hasText: 'Project completed' }).waitFor({ timeout: RUN_TIMEOUT_MS });
      const settled = await api.engine.deps.prisma.conflict.findUniqueOrThrow({ where: { id: waiting.id } });
      expect(settled).to.include({ status: 'resolved', strategy: 'manual', resolution: waiting.theirs });
      // A completed project offers neither cancel nor resume.
      expect(await page.getByRole('button', { name: /^(Cancel project|Resume|Start)$/ }).count()).to.equal(0);

      await page.getByLabel('New budget (USD)').fill('9');
      await page.getByRole('button', { name: 'Set budget' }).click();
      await page.locator('p.summary').filter({ hasText: 'of $9.00' }).waitFor();
      expect((await api.engine.deps.prisma.project.findUniqueOrThrow({ where: { id: projectId } })).budgetMicros).to.equal(9_000_000n);
    } finally {
      api.engine.provider.intercept = undefined;
    }
    expect(consoleErrors).to.deep.equal([]);
  });

  it('shows the verification live (rounds, commands, test counts, output) and accepts software that failed its checks', async () => {
    const user = await api.user('web-verify');
    const project = await api.engine.projects.create({ ownerId: user.id, name: 'failing software', requirements: 'A todo list API: users create tasks and list them.' });
    const page = await browser.context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${api.url}/`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Projects', level: 1 }).waitFor();
    await page.goto(`${api.url}/projects/${project.id}`);
    const panel = page.locator('section[aria-labelledby="verification-title"]');
    await panel.getByText('Not verified yet').waitFor();
    await page.getByText('Live updates: live').waitFor();

    // What the verify job and the run's root publish and store, arriving while the page watches.
    await failVerification(api.engine.deps, project.id);
    await page.getByRole('status').filter({ hasText: 'The software did not pass its own checks' }).waitFor();
    await panel.getByText('Round 1 of run r1 · profile Node.js / TypeScript').waitFor();
    expect(await panel.locator('p.summary').first().innerText()).to.equal('tests failed: 1 of 5 (round 1)');
    const tests = panel.locator('> ul.verify-commands li').filter({ hasText: 'vitest run' });
    expect(await tests.innerText()).to.match(/^failed vitest run \(test\) · tests: 4 passed, 1 failed · exit 1 · 3\.3 s/);
    await tests.getByText(/^Output/).click();
    await tests.getByText('expected 201, got 500').waitFor();
    await panel.getByText('Earlier rounds (1)').waitFor();
    expect(await page.locator('.project-head .badge').innerText()).to.equal('verification failed');

    await page.getByRole('button', { name: 'Accept as it is' }).click();
    await page.locator('.project-head .badge').filter({ hasText: /^completed$/ }).waitFor();
    expect((await api.engine.deps.prisma.project.findUniqueOrThrow({ where: { id: project.id } })).status).to.equal('completed');
    expect(await page.getByRole('button', { name: /^(Accept as it is|Resume)$/ }).count()).to.equal(0);
    expect(consoleErrors).to.deep.equal([]);
  });
});

/** Fills the new-request form, submits it, and returns the id of the project the page opened. */
async function submitRequest(page: Page, name: string, requestFile: string, budgetUsd: string): Promise<string> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Requirements').fill(await readFile(requestFile, 'utf8'));
  await page.getByLabel('Budget (USD)').fill(budgetUsd);
  await page.getByRole('button', { name: 'Submit and start' }).click();
  await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/').pop() ?? '';
}

async function openFile(page: Page, path: string): Promise<void> {
  const button = page.locator(`nav[aria-label="File tree"] button.file-link[title="${path}"]`);
  await button.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: path, level: 3 }).waitFor();
  expect(await button.getAttribute('aria-current')).to.equal('true');
}
