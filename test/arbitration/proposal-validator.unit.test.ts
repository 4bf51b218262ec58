import { expect } from 'chai';
import { extractFencedContent } from '../../src/arbitration/llm-proposal.js';
import { validateProposal } from '../../src/arbitration/proposal-validator.js';

const check = (path: string, content: string, sides = { ours: content, theirs: content }) => validateProposal({ path, content, ...sides, maxBytes: 10_000 });

describe('arbitration: proposal validation', () => {
  it('refuses conflict markers in any file type', async () => {
    expect(await check('README.md', 'a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> theirs\n', { ours: 'a\nb\n', theirs: 'a\nc\n' })).to.deep.equal({ ok: false, reason: 'conflict markers left in the proposal' });
    expect((await check('README.md', 'a\n====\nb\n')).ok, 'a short underline is not a marker').to.equal(true);
  });

  it('parses TypeScript, JavaScript, JSON, YAML and Prisma schemas', async () => {
    expect((await check('a.ts', 'const a: number = 1;\n')).ok).to.equal(true);
    expect((await check('a.tsx', 'export const A = () => <div>{1}</div>;\n')).ok).to.equal(true);
    expect(await check('a.ts', 'const a: number = ;\n')).to.have.property('ok', false);
    expect(await check('a.mjs', 'export default {\n')).to.have.property('ok', false);
    expect((await check('p.json', '{"a": [1, 2]}')).ok).to.equal(true);
    expect(await check('p.json', '{"a": [1, 2]')).to.have.property('ok', false);
    expect((await check('c.yml', 'a:\n  - 1\n  - 2\n')).ok).to.equal(true);
    expect(await check('c.yaml', 'a: [1, 2\nb: }\n')).to.have.property('ok', false);
    const schema = 'generator client {\n  provider = "prisma-client"\n}\n\nmodel User {\n  id String @id @default("{}")\n  @@index([id])\n}\n';
    expect((await check('prisma/schema.prisma', schema)).ok).to.equal(true);
    expect(await check('prisma/schema.prisma', 'model User {\n  id String @id\n')).to.have.property('ok', false);
    expect(await check('prisma/schema.prisma', 'model User {\n  id String\n}\nid Int\n')).to.have.property('ok', false);
  });

  it('bounds the size against both sides', async () => {
    const side = 'x'.repeat(400);
    expect(await check('a.txt', 'x', { ours: side, theirs: side })).to.have.property('ok', false);
    expect(await check('a.txt', 'x'.repeat(3_000), { ours: side, theirs: side })).to.have.property('ok', false);
    expect(await validateProposal({ path: 'a.txt', content: 'x'.repeat(200), ours: '', theirs: 'x'.repeat(20_000), maxBytes: 100 })).to.have.property('ok', false);
    expect((await check('a.txt', 'x'.repeat(500), { ours: side, theirs: side })).ok).to.equal(true);
  });

  it('takes the fenced block of an answer', () => {
    expect(extractFencedContent('Sure:\n```ts\nconst a = 1;\n```\nDone.')).to.equal('const a = 1;');
    expect(extractFencedContent('```md\n# T\n```js\nx\n```\n```')).to.equal('# T\n```js\nx\n```');
    expect(extractFencedContent('  plain  ')).to.equal('plain');
  });
});
