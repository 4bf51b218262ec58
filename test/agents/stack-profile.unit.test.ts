// The stack decision the offline Tech Stack Selector records follows the same rule (stackFor) as
// the workspace layout, so a program request is proven by the profile its layout was built for.
import { expect } from 'chai';
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import { stackFor } from '../../src/agents/request-kind.js';
import { stackProfile } from '../../src/offline-model/stack-profile.js';

describe('offline stack profile', () => {
  const requests = {
    'a web app': '# Todo\n\nA web app where teams plan tasks.\n\n## Entities\n- Task: title',
    'a Python command-line tool': '# Habits\n\nA command-line tool in Python that tracks habits.',
    'a library naming no language': '# Invoices\n\nA library for parsing invoices.',
    'a TypeScript command-line tool': '# Rename\n\nA command-line tool written in TypeScript that renames photos.',
    'a web app in Rust': '# Chat\n\nA web app written in Rust where users chat.',
  };

  for (const [what, text] of Object.entries(requests)) {
    it(`chooses what stackFor chooses for ${what}`, () => {
      const analysis = analyzeRequest(text);
      const decision = stackProfile(analysis);
      expect(decision.choice).to.equal(stackFor(analysis.kind ?? 'web-app', analysis.language).choice);
      expect(decision.reason).to.be.a('string').and.not.equal('');
    });
  }

  it('says plainly when the stack asked for has no profile', () => {
    expect(stackProfile(analyzeRequest('# Chat\n\nA web app written in Rust where users chat.'))).to.deep.equal({
      choice: 'rust',
      reason: 'the request asks for rust, which has no toolchain profile',
    });
  });
});
