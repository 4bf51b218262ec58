/**
 * Linear-time readers for the markdown shapes the request analysis looks at: headings, link
 * syntax, `name: detail` items and parenthesised asides. Each replaces a backtracking regex that a
 * submitted request could drive into quadratic or cubic time on the API's event loop (a 2.8 KB
 * request once froze it for 11 s), and returns exactly what that regex returned. The former
 * pattern is quoted on each function; test/agents/markdown-scan.test.ts checks the two agree.
 *
 * `.` in those patterns does not match a line terminator (\n, \r, U+2028, U+2029) and `$`
 * without the m flag is the end of the string, so a line terminator where `.` was needed made the
 * pattern fail; the scanners keep that. `\s` and String#trim use the same whitespace set.
 */

const isSpace = (ch: string | undefined): boolean => ch !== undefined && ch !== '' && ch.trim() === '';
const isLineTerminator = (ch: string | undefined): boolean => ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029';

/**
 * The first index at or after `from` whose character passes `isTarget`, or -1. `from` must never
 * decrease between calls: an answer is reused while it still lies ahead, so each character is
 * looked at once however many times the finder is asked.
 */
function forwardFinder(text: string, isTarget: (ch: string) => boolean): (from: number) => number {
  let found = -1;
  return (from) => {
    if (from > found) {
      found = from;
      while (found < text.length && !isTarget(text.charAt(found))) found++;
    }
    return found < text.length ? found : -1;
  };
}

export interface Heading {
  level: number;
  text: string;
}

/** A markdown ATX heading, as `/^(#{1,6})\s+(.*?)\s*#*\s*$/` read it (cubic on `#` + spaces). */
export function parseHeading(line: string): Heading | undefined {
  let level = 0;
  while (line.charAt(level) === '#') level++;
  if (level === 0 || level > 6 || !isSpace(line.charAt(level))) return undefined;
  const body = line.slice(level).trimStart();
  // The lazy group is the shortest prefix whose remainder is `\s*#*\s*`: strip that suffix once.
  let end = body.trimEnd().length;
  while (end > 0 && body.charAt(end - 1) === '#') end--;
  const text = body.slice(0, end).trimEnd();
  for (const ch of text) if (isLineTerminator(ch)) return undefined;
  return { level, text };
}

/** Markdown links to their text, as `.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')` did (quadratic on runs of `[`). */
export function unlink(text: string): string {
  const nextClose = forwardFinder(text, (ch) => ch === ']');
  const nextParen = forwardFinder(text, (ch) => ch === ')');
  let out = '';
  let copied = 0;
  for (let open = text.indexOf('['); open !== -1; ) {
    const close = nextClose(open + 1);
    if (close === -1) break;
    if (text.charAt(close + 1) !== '(') {
      open = text.indexOf('[', open + 1);
      continue;
    }
    const paren = nextParen(close + 2);
    if (paren === -1) break;
    out += text.slice(copied, open) + text.slice(open + 1, close);
    copied = paren + 1;
    open = text.indexOf('[', copied);
  }
  return out + text.slice(copied);
}

/**
 * `Task: title, due date` / `Task — …` / `Task - …` / `Task (title, due date)` → name and detail,
 * as `/^(.+?)\s*(:|—|–|\s-\s|\()\s*(.*)$/` did (cubic on long runs of spaces).
 */
export function splitItem(text: string): { name: string; detail: string } {
  const nextLineTerminator = forwardFinder(text, isLineTerminator);
  const nextNonSpace = forwardFinder(text, (ch) => !isSpace(ch));
  let spaceEnd = 0;
  for (let start = 1; start < text.length; start++) {
    if (isLineTerminator(text.charAt(start - 1))) break;
    if (spaceEnd <= start) for (spaceEnd = start; isSpace(text.charAt(spaceEnd)); ) spaceEnd++;
    const at = spaceEnd;
    const ch = text.charAt(at);
    let after: number;
    if (ch === ':' || ch === '—' || ch === '–' || ch === '(') after = at + 1;
    else if (at > start && ch === '-' && isSpace(text.charAt(at + 1))) after = at + 2;
    else continue;
    const rest = nextNonSpace(after);
    if (rest !== -1 && nextLineTerminator(rest) !== -1) continue;
    const detail = text.slice(after).trim();
    return { name: text.slice(0, start).trim(), detail: ch === '(' ? detail.replace(/\)$/, '').trim() : detail };
  }
  return { name: text.trim(), detail: '' };
}

/** Drops `(…)` asides and everything from a `:` on, as `.replace(/\(.*?\)|:.*$/g, '')` did (quadratic on runs of `(`). */
export function stripAsides(text: string): string {
  const nextParen = forwardFinder(text, (ch) => ch === ')');
  const nextLineTerminator = forwardFinder(text, isLineTerminator);
  let out = '';
  let copied = 0;
  for (let at = 0; at < text.length; at++) {
    const ch = text.charAt(at);
    if (ch === '(') {
      const paren = nextParen(at + 1);
      const terminator = nextLineTerminator(at + 1);
      if (paren !== -1 && (terminator === -1 || terminator > paren)) {
        out += text.slice(copied, at);
        copied = paren + 1;
        at = paren;
      }
    } else if (ch === ':' && nextLineTerminator(at + 1) === -1) {
      out += text.slice(copied, at);
      copied = text.length;
      break;
    }
  }
  return out + text.slice(copied);
}
