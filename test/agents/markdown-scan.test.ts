/* eslint-disable regexp/no-super-linear-backtracking, regexp/prefer-character-class, regexp/use-ignore-case, regexp/no-unused-capturing-group, redos/no-vulnerable -- the former patterns verbatim, kept as oracles and only run on short strings */
import { expect } from 'chai';
import fc from 'fast-check';
import { parseHeading, splitItem, stripAsides, unlink } from '../../src/agents/markdown-scan.js';
import { kebabCase, pluralize, singularize } from '../../src/agents/naming.js';

// Short strings over the characters the former patterns cared about, line terminators included.
const alphabet = fc.constantFrom('#', ' ', ' ', '\t', '[', ']', '(', ')', ':', '-', '—', '–', 'a', 'B', 'C', 'd', '1', '\u2028', '\n', '`');
const text = fc.array(alphabet, { maxLength: 24 }).map((chars) => chars.join(''));
const runs = { numRuns: 3000 };

const OLD_HEADING = /^(#{1,6})\s+(.*?)\s*#*\s*$/;
function oldSplitItem(value: string): { name: string; detail: string } {
  const match = /^(.+?)\s*(:|—|–|\s-\s|\()\s*(.*)$/.exec(value);
  if (!match) return { name: value.trim(), detail: '' };
  const detail = (match[3] ?? '').trim();
  return { name: (match[1] ?? '').trim(), detail: match[2] === '(' ? detail.replace(/\)$/, '').trim() : detail };
}
const OLD_LAST_WORD = /^(.*?)([A-Za-z]+)$/;

describe('agents: linear markdown scanners agree with the patterns they replace', () => {
  it('parseHeading reads what /^(#{1,6})\\s+(.*?)\\s*#*\\s*$/ read', () => {
    fc.assert(
      fc.property(text, (line) => {
        const match = OLD_HEADING.exec(line);
        expect(parseHeading(line)).to.deep.equal(match ? { level: match[1]?.length, text: match[2] } : undefined);
      }),
      runs,
    );
  });

  it('unlink replaces links as /\\[([^\\]]*)\\]\\([^)]*\\)/g did', () => {
    fc.assert(fc.property(text, (value) => {
        expect(unlink(value)).to.equal(value.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'));
      }), runs);
  });

  it('splitItem splits names and details as the former pattern did', () => {
    fc.assert(fc.property(text, (value) => {
        expect(splitItem(value)).to.deep.equal(oldSplitItem(value));
      }), runs);
    expect(splitItem('Task: title, due date')).to.deep.equal({ name: 'Task', detail: 'title, due date' });
    expect(splitItem('Task (title, due date)')).to.deep.equal({ name: 'Task', detail: 'title, due date' });
    expect(splitItem('Task - title')).to.deep.equal({ name: 'Task', detail: 'title' });
  });

  it('stripAsides removes asides as /\\(.*?\\)|:.*$/g did', () => {
    fc.assert(fc.property(text, (value) => {
        expect(stripAsides(value)).to.equal(value.replace(/\(.*?\)|:.*$/g, ''));
      }), runs);
  });

  it('naming splits capitals and last words as before', () => {
    const oldWords = (value: string): string => value.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
    fc.assert(
      fc.property(text, (value) => {
        expect(kebabCase(value)).to.equal(kebabCase(oldWords(value)));
        // singularize/pluralize keep `word` whole when the former split found no last word.
        const split = OLD_LAST_WORD.exec(value);
        if (!split) expect([singularize(value), pluralize(value)]).to.deep.equal([value, `${value}s`]);
        else expect(pluralize(value).startsWith(split[1] ?? '')).to.equal(true);
      }),
      runs,
    );
    expect(kebabCase('HTTPServerURLs')).to.equal('http-server-ur-ls');
    expect([singularize('Categories'), pluralize('Box'), singularize('a\u2028b1')]).to.deep.equal(['Category', 'Boxes', 'a\u2028b1']);
  });
});
