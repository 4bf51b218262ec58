// The real binary refusing bad configuration and bad usage (child processes: the full suite, not the unit tier).
import { expect } from 'chai';
import { runZekka } from '../support/run-cli.js';

describe('configuration errors at the command line', () => {
  it('`PORT=abc zekka api` exits 2 naming PORT', async () => {
    const result = await runZekka(['api'], { PORT: 'abc' });
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/PORT="abc"/);
  });

  it('an unknown subcommand or flag prints usage and exits 2', async () => {
    const unknown = await runZekka(['frobnicate'], {});
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/unknown command 'frobnicate'/);
    const flag = await runZekka(['worker', '--nope'], {});
    expect(flag.code).to.equal(2);
    expect(flag.stderr).to.match(/unknown option '--nope'/);
    const help = await runZekka(['demo', '--help'], {});
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/Usage: zekka demo/);
  });
});
