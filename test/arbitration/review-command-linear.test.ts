import { expect } from 'chai';
import { MAX_COMMENT_CHARS, parseReviewCommand } from '../../src/arbitration/review-command.js';

// Comments up to GitHub's 65,536-character limit, each built against one former pattern: `^\s*`
// under the m flag over blank lines (18.6 s for 65,536 newlines), a fence run trading characters
// with its info string, and a lazy fence body with a back-reference from every unclosed fence.
const N = MAX_COMMENT_CHARS;
const ADVERSARIAL_COMMENTS: ReadonlyArray<readonly [string, string]> = [
  ['65,536 newlines', '\n'.repeat(N)],
  ['newlines then a command', `${'\n'.repeat(N - 20)}/zekka take ours`],
  ['blank lines of spaces', ' \n'.repeat(N / 2)],
  ['command words split by spaces', `/zekka${' '.repeat(N - 20)}take x`],
  ['resolve then a line of backticks', `/zekka resolve\n${'`'.repeat(N - 20)}`],
  ['resolve then unclosed fences', `/zekka resolve\n${'```x\n'.repeat((N - 20) / 5)}`],
  ['resolve then fences of growing length', `/zekka resolve\n${Array.from({ length: 350 }, (_, n) => '`'.repeat(n + 3)).join('\n')}`],
  ['resolve then tildes and spaces', `/zekka resolve\n~~~\n${' \n'.repeat((N - 40) / 2)}`],
];
// CPU time (process.cpuUsage), wall time beside it: a busy CI machine stretches the wall clock.
const BOUND_MS = 100;

describe('arbitration: the review command parser stays linear', () => {
  for (const [name, body] of ADVERSARIAL_COMMENTS) {
    it(`parses ${name} (${body.length} chars) in under ${BOUND_MS} ms`, () => {
      expect(body.length).to.be.at.most(MAX_COMMENT_CHARS).and.above(50_000);
      let best = { cpuMs: Infinity, wallMs: Infinity };
      for (let run = 0; run < 3; run++) {
        const cpu = process.cpuUsage();
        const start = performance.now();
        parseReviewCommand(body);
        const wallMs = performance.now() - start;
        const used = process.cpuUsage(cpu);
        if ((used.user + used.system) / 1000 < best.cpuMs) best = { cpuMs: (used.user + used.system) / 1000, wallMs };
      }
      expect(best.cpuMs, `${name}: ${best.cpuMs.toFixed(1)} ms of CPU (${best.wallMs.toFixed(1)} ms wall)`).to.be.below(BOUND_MS);
    });
  }

  it('still finds commands after the blank lines, and refuses a body longer than a GitHub comment', () => {
    expect(parseReviewCommand(`${'\n'.repeat(1000)}/zekka take ours`)).to.deep.equal({ take: 'ours' });
    expect(parseReviewCommand('  /zekka   take   Theirs  \nthanks')).to.deep.equal({ take: 'theirs' });
    expect(parseReviewCommand('/zekka resolve\n````md\n```\ninner\n```\n````\n')).to.deep.equal({ content: '```\ninner\n```\n' });
    expect(parseReviewCommand('/zekka resolve\n```\n\n```')).to.deep.equal({ content: '\n' });
    expect(parseReviewCommand('/zekka resolve\n```\n```')).to.equal(undefined);
    expect(parseReviewCommand('/zekka resolve\n```x\n```y\ncode\n```')).to.deep.equal({ content: '```y\ncode\n' });
    expect(parseReviewCommand(`/zekka take ours\n${' '.repeat(MAX_COMMENT_CHARS)}`)).to.equal(undefined);
  });
});
