/**
 * The commands a reviewer writes in a GitHub comment: `/zekka take ours`, `/zekka take theirs`,
 * or `/zekka resolve` followed by the resolved file in a fenced code block. The command must
 * be a line of its own; anything else in the comment is ignored.
 *
 * Any signed comment reaches this parser before the commenter's write access is checked (that
 * check is a GitHub API call, so it runs only for real commands). It therefore reads the comment
 * line by line in linear time, and refuses bodies longer than GitHub's own comment limit: the
 * former multiline regexes (`^\s*` over blank lines, a lazy fence body with a back-reference)
 * spent 18.6 s on a comment of 65,536 newlines.
 */
import type { ReviewAnswer } from './conflict-review.js';

/** GitHub rejects comment bodies longer than this; a longer body did not come from a comment. */
export const MAX_COMMENT_CHARS = 65_536;

const TAKE = /^\/zekka\s+take\s+(ours|theirs)$/i;
const RESOLVE = /^\/zekka\s+resolve$/i;

export function parseReviewCommand(body: string): ReviewAnswer | undefined {
  if (body.length > MAX_COMMENT_CHARS) return undefined;
  const lines = body.replace(/\r\n/g, '\n').split('\n');
  for (const line of lines) {
    const take = TAKE.exec(line.trim());
    if (take) return { take: (take[1] ?? '').toLowerCase() as 'ours' | 'theirs' };
  }
  const resolveAt = lines.findIndex((line) => RESOLVE.test(line.trim()));
  if (resolveAt === -1) return undefined;
  const content = firstFencedBlock(lines, resolveAt + 1);
  return content === undefined ? undefined : { content: `${content}\n` };
}

/** A run of three or more backticks or tildes opening a line, or '' when the line has none. */
function fenceOf(line: string): string {
  const char = line.charAt(0);
  if (char !== '`' && char !== '~') return '';
  let length = 0;
  while (line.charAt(length) === char) length++;
  return length >= 3 ? line.slice(0, length) : '';
}

/**
 * The body of the first fenced block from line `from` on: an opening fence (anything may follow
 * it on its line), then the first later line that is the same fence again, alone but for spaces.
 * The closing lines of each fence are indexed once, so many unclosed fences stay linear.
 */
function firstFencedBlock(lines: string[], from: number): string | undefined {
  const closings = new Map<string, number[]>();
  for (let index = from; index < lines.length; index++) {
    const line = lines[index] ?? '';
    const fence = fenceOf(line);
    if (fence === '' || line.slice(fence.length).trim() !== '') continue;
    const indexes = closings.get(fence);
    if (indexes) indexes.push(index);
    else closings.set(fence, [index]);
  }
  const cursor = new Map<string, number>();
  for (let open = from; open < lines.length - 1; open++) {
    const fence = fenceOf(lines[open] ?? '');
    const candidates = closings.get(fence);
    if (!candidates) continue;
    // The body may be empty but the closing fence is not the line right after the opening one
    // (the former pattern needed a newline between the two), hence `open + 2`.
    let next = cursor.get(fence) ?? 0;
    while (next < candidates.length && (candidates[next] ?? 0) < open + 2) next++;
    cursor.set(fence, next);
    const close = candidates[next];
    if (close !== undefined) return lines.slice(open + 1, close).join('\n');
  }
  return undefined;
}
