import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { lstatSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { selfContainedViews } from '../../src/api/routes/admin-queues.js';
import { startApiHarness, type ApiHarness } from './api-harness.js';

/** The shared folder earlier versions loaded the template from (and trusted when it existed). */
function formerTemplateDir(): string {
  const uiDist = join(dirname(createRequire(import.meta.url).resolve('@bull-board/ui/package.json')), 'dist');
  // As the old code computed it: the Google Fonts link lines emptied.
  const template = readFileSync(join(uiDist, 'index.ejs'), 'utf8')
    .split('\n')
    .map((line) => (line.trim().startsWith('<link') && line.includes('fonts.googleapis.com') ? '' : line))
    .join('\n');
  return join(tmpdir(), `zekka-bull-board-${createHash('sha256').update(template).digest('hex').slice(0, 16)}`);
}

describe('Bull Board template', function () {
  let api: ApiHarness | undefined;
  const planted = formerTemplateDir();
  const MARKER = 'PLANTED-BY-ANOTHER-USER';

  before(() => {
    mkdirSync(planted, { recursive: true });
    // EJS runs this: another local user's code inside the API process.
    writeFileSync(join(planted, 'index.ejs'), `<html><body>${MARKER} <%= 6 * 7 %></body></html>`);
  });
  after(async () => {
    await api?.close();
    rmSync(planted, { recursive: true, force: true });
  });

  it('ignores a template planted at the predictable path and serves its own from a private directory', async () => {
    api = await startApiHarness();
    const admin = await api.admin();
    const page = await api.request('GET', '/admin/queues', { token: admin.token });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<html');
    expect(page.text).not.to.include(MARKER);

    const own = selfContainedViews();
    expect(own).not.to.equal(planted);
    expect(lstatSync(own).mode & 0o777, 'only this process can write (or list) its views').to.equal(0o700);
    expect(lstatSync(join(own, 'index.ejs')).mode & 0o077).to.equal(0);
  });
});
