/**
 * The web dashboard's serving (src/api/routes/dashboard.ts) over a stand-in build: files and the
 * page fallback under helmet's unchanged CSP; the API's own paths are never shadowed; without a
 * build, / says how to make one. The dashboard itself runs in test/e2e/dashboard.test.ts.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startApiHarness, type ApiHarness } from './api-harness.js';

const INDEX = '<!doctype html><title>Zekka</title><script type="module" src="/assets/app-1234.js"></script>';

describe('api: the web dashboard at /', function () {
  this.timeout(30_000);
  let dir: string;
  let api: ApiHarness;
  let unbuilt: ApiHarness;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zekka-dashboard-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), INDEX);
    await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log("zekka")');
    api = await startApiHarness({ api: { dashboardDir: dir } });
    unbuilt = await startApiHarness({ api: { dashboardDir: join(dir, 'missing') } });
  });
  after(async () => {
    await api?.close();
    await unbuilt?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / and at page paths, under a CSP that allows only its own origin', async () => {
    for (const path of ['/', '/projects/6f1c1c1e-0d7e-4a55-9a55-3b1a3a0e2f11', '/some/page']) {
      const page = await api.request('GET', path);
      expect(page.status, path).to.equal(200);
      expect(page.headers.get('content-type'), path).to.match(/^text\/html/);
      expect(page.text, path).to.equal(INDEX);
      expect(page.headers.get('cache-control'), path).to.equal('no-cache');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).to.include("default-src 'self'");
      expect(csp).to.include("script-src 'self';");
      expect(csp).not.to.include('connect-src');
      for (const directive of csp.split(';').filter((part) => part.includes('script-src'))) {
        expect(directive.slice(directive.indexOf('script-src'))).not.to.match(/unsafe|\*|https?:/);
      }
    }
  });

  it('serves the hashed assets as immutable files', async () => {
    const asset = await api.request('GET', '/assets/app-1234.js');
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('content-type')).to.match(/javascript/);
    expect(asset.headers.get('cache-control')).to.include('immutable');
    expect((await api.request('HEAD', '/assets/app-1234.js')).status).to.equal(200);
  });

  it('never answers for the API: unknown /api routes, files and other methods stay 404 problem documents', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['GET', '/API/projects-nope'],
      ['GET', '/assets/missing.js'],
      ['GET', '/favicon.ico'],
      ['POST', '/'],
      ['DELETE', '/projects/x'],
    ] as const) {
      const answer = await api.request(method, path);
      expect(answer.status, `${method} ${path}`).to.equal(404);
      expect(answer.headers.get('content-type'), `${method} ${path}`).to.match(/^application\/problem\+json/);
    }
    expect((await api.request('GET', '/health')).json).to.deep.equal({ status: 'ok' });
    expect((await api.request('GET', '/metrics')).text).to.include('zekka_http_requests_total');
    expect((await api.request('GET', '/admin/queues')).status).to.equal(401);
    expect((await api.request('GET', '/api/openapi.json')).json).to.have.property('openapi');
  });

  it('labels dashboard requests as one route in the metrics', async () => {
    await api.request('GET', '/projects/a-page');
    const metrics = (await api.request('GET', '/metrics')).text;
    expect(metrics).to.match(/zekka_http_requests_total\{method="GET",route="\/\(dashboard\)",status="200"\}/);
    expect(metrics).not.to.include('route="/projects/a-page"');
  });

  it('without a build, / says how to build it (503) and the API works as before', async () => {
    const page = await unbuilt.request('GET', '/');
    expect(page.status).to.equal(503);
    expect(page.headers.get('content-type')).to.match(/^text\/plain/);
    expect(page.text).to.include('not built').and.include('npm run build');
    expect((await unbuilt.request('GET', '/projects/x')).status).to.equal(503);
    const unknown = await unbuilt.request('GET', '/api/nope');
    expect(unknown.status).to.equal(404);
    expect(unknown.headers.get('content-type')).to.match(/^application\/problem\+json/);
  });
});
