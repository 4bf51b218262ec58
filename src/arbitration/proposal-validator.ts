/**
 * Checks a proposed resolution of a file before it is applied: no conflict markers left, within
 * size bounds, and it parses for its type (TS/JS through an esbuild transform, JSON, YAML, a
 * Prisma schema through a light block check). A proposal that fails moves the chain on.
 */
import { transform } from 'esbuild';
import { parseAllDocuments } from 'yaml';

export type Validation = { ok: true } | { ok: false; reason: string };

export interface ValidationInput {
  path: string;
  content: string;
  ours: string;
  theirs: string;
  /** Hard upper bound in bytes. */
  maxBytes: number;
}

const MARKER = /^(?:<{7}|={7}|>{7}|\|{7})(?:\s|$)/m;

const SCRIPT_LOADERS: Record<string, 'ts' | 'tsx' | 'js' | 'jsx'> = {
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
};

export async function validateProposal(input: ValidationInput): Promise<Validation> {
  const { content, ours, theirs } = input;
  if (MARKER.test(content)) return { ok: false, reason: 'conflict markers left in the proposal' };
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > input.maxBytes) return { ok: false, reason: `the proposal is ${bytes} bytes, above the limit of ${input.maxBytes}` };
  const upper = 2 * (ours.length + theirs.length) + 1_024;
  if (content.length > upper) return { ok: false, reason: `the proposal (${content.length} characters) is far larger than both sides together` };
  // A proposal much smaller than both sides is most often an excerpt, not the whole file.
  const lower = Math.floor(Math.min(ours.trim().length, theirs.trim().length) / 4);
  if (content.trim().length < lower) return { ok: false, reason: `the proposal (${content.trim().length} characters) is far smaller than either side` };
  return parses(input.path, content);
}

async function parses(path: string, content: string): Promise<Validation> {
  const extension = path.toLowerCase().split('.').pop() ?? '';
  const loader = SCRIPT_LOADERS[extension];
  try {
    if (loader) await transform(content, { loader, logLevel: 'silent' });
    else if (extension === 'json') JSON.parse(content);
    else if (extension === 'yaml' || extension === 'yml') {
      const problem = parseAllDocuments(content, { prettyErrors: false })
        .flatMap((d) => ('errors' in d ? d.errors : []))
        .at(0);
      if (problem) return { ok: false, reason: `not valid YAML: ${problem.message}` };
    } else if (extension === 'prisma') {
      const problem = prismaProblem(content);
      if (problem) return { ok: false, reason: `not a valid Prisma schema: ${problem}` };
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error);
    return { ok: false, reason: `does not parse as .${extension}: ${message}` };
  }
  return { ok: true };
}

const PRISMA_BLOCK = /^(?:model|enum|datasource|generator|type|view)\s+\w+\s*\{$/;

const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/**
 * String literals emptied (`"a\"b"` → `""`), as `.replace(/"(?:[^"\\]|\\.)*"/g, '""')` did, in one
 * pass: that pattern rescanned to the end of the line from every quote of a proposal's line.
 */
function withEmptyStrings(line: string): string {
  let out = '';
  let copied = 0;
  for (let open = line.indexOf('"'); open !== -1; ) {
    let at = open + 1;
    while (at < line.length && line.charAt(at) !== '"') {
      if (line.charAt(at) === '\\') {
        // `\.`: a backslash escapes anything but a line terminator; before one the literal fails.
        if (at + 1 >= line.length || LINE_TERMINATOR.test(line.charAt(at + 1))) break;
        at += 2;
      } else at++;
    }
    if (line.charAt(at) !== '"') {
      open = at < line.length ? line.indexOf('"', at + 1) : -1;
      continue;
    }
    out += `${line.slice(copied, open)}""`;
    copied = at + 1;
    open = line.indexOf('"', copied);
  }
  return out + line.slice(copied);
}

/** Drops a `//` comment, as `.replace(/\/\/.*$/, '')` did: `.` stops at a line terminator, so the comment starts after the last one. */
function withoutComment(line: string): string {
  let lastTerminator = -1;
  for (let at = 0; at < line.length; at++) if (LINE_TERMINATOR.test(line.charAt(at))) lastTerminator = at;
  const comment = line.indexOf('//', lastTerminator + 1);
  return comment === -1 ? line : line.slice(0, comment);
}

/** Top-level lines are comments, blank, or `keyword Name {`; braces balance; blocks do not nest. */
function prismaProblem(content: string): string | undefined {
  let depth = 0;
  for (const [index, raw] of content.split('\n').entries()) {
    const line = withoutComment(withEmptyStrings(raw)).trim();
    if (line === '') continue;
    if (depth === 0) {
      if (!PRISMA_BLOCK.test(line)) return `line ${index + 1}: expected a block like "model Name {", got "${line.slice(0, 60)}"`;
      depth = 1;
      continue;
    }
    if (line.includes('{')) return `line ${index + 1}: nested "{"`;
    if (line === '}') depth = 0;
    else if (line.includes('}')) return `line ${index + 1}: "}" must stand on its own line`;
  }
  return depth === 0 ? undefined : 'a block is not closed';
}
