/**
 * The commands a reviewer writes in a GitHub comment: `/zekka take ours`, `/zekka take theirs`,
 * or `/zekka resolve` followed by the resolved file in a fenced code block. The command must
 * start a line; anything else in the comment is ignored.
 */
import type { ReviewAnswer } from './conflict-review.js';

export function parseReviewCommand(body: string): ReviewAnswer | undefined {
  const text = body.replace(/\r\n/g, '\n');
  const take = /^\s*\/zekka\s+take\s+(ours|theirs)\s*$/im.exec(text);
  if (take) return { take: (take[1] ?? '').toLowerCase() as 'ours' | 'theirs' };
  const resolve = /^\s*\/zekka\s+resolve\s*$/im.exec(text);
  if (!resolve) return undefined;
  const rest = text.slice(resolve.index + resolve[0].length);
  const block = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n\1\s*$/m.exec(rest);
  if (!block) return undefined;
  return { content: `${block[2] ?? ''}\n` };
}
