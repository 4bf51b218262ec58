/**
 * One line per workspace file for the map every agent gets (./workspace-map.ts): what a file holds
 * or exports, read from its text without a parser — exports of scripts, the first heading of a
 * document, the top-level keys of JSON and YAML, the models of a Prisma schema, the tables of SQL.
 * Deterministic, line by line, no backtracking regexes (model output flows through here).
 */
const MAX_SUMMARY = 160;
const MAX_NAMES = 12;

const SCRIPT = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const DECLARATION_KEYWORDS = ['async', 'function', 'function*', 'class', 'abstract', 'const', 'let', 'var', 'interface', 'type', 'enum', 'declare'];

export function summarizeFile(path: string, content: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const extension = name.includes('.') ? name.slice(name.lastIndexOf('.')).toLowerCase() : '';
  let summary: string;
  if (content.trim() === '') summary = 'empty';
  else if (SCRIPT.includes(extension)) summary = scriptSummary(content);
  else if (extension === '.py') summary = pythonSummary(content);
  else if (extension === '.md') summary = markdownSummary(content);
  else if (extension === '.json') summary = jsonSummary(content);
  else if (extension === '.yml' || extension === '.yaml') summary = listed('keys', topLevelKeys(content, ':'));
  else if (extension === '.prisma') summary = prismaSummary(content);
  else if (extension === '.sql') summary = sqlSummary(content);
  else if (name === 'Dockerfile' || name.endsWith('.Dockerfile')) summary = listed('from', keywordLines(content, 'FROM '));
  else if (name.startsWith('.env')) summary = listed('variables', topLevelKeys(content, '='));
  else summary = firstLine(content);
  return `${clip(summary)} (${lineCount(content)} lines)`;
}

function scriptSummary(content: string): string {
  const names: string[] = [];
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('export ')) continue;
    names.push(...exportedNames(line.slice('export '.length).trim()));
  }
  if (names.length > 0) return listed('exports', [...new Set(names)]);
  const comment = leadingComment(content);
  return comment ? comment : `no exports; ${firstLine(content)}`;
}

/** The names one `export …` line declares (its text after `export `). */
function exportedNames(rest: string): string[] {
  if (rest.startsWith('default')) return ['default'];
  if (rest.startsWith('*')) return [`* from ${quoted(rest)}`];
  if (rest.startsWith('{') || rest.startsWith('type {')) {
    const inside = rest.slice(rest.indexOf('{') + 1, rest.includes('}') ? rest.indexOf('}') : undefined);
    return inside
      .split(',')
      .map((part) => part.trim().split(' as ').pop()?.trim() ?? '')
      .map((part) => (part.startsWith('type ') ? part.slice(5).trim() : part))
      .filter((part) => part !== '');
  }
  const words = rest.split(/[\s(<:=;{]+/).filter((word) => word !== '');
  let index = 0;
  while (index < words.length && DECLARATION_KEYWORDS.includes(words[index] ?? '')) index += 1;
  const declared = words[index];
  return declared && index > 0 ? [declared.replace(/^\*/, '')] : [];
}

function quoted(text: string): string {
  for (const quote of ["'", '"']) {
    const start = text.indexOf(quote);
    const end = start < 0 ? -1 : text.indexOf(quote, start + 1);
    if (end > start) return text.slice(start + 1, end);
  }
  return text;
}

function leadingComment(content: string): string | undefined {
  for (const raw of content.split('\n')) {
    const line = raw.trim().replace(/^(?:\/\*\*?|\*|\/\/|#)\s?/, '').trim();
    if (line === '' || line === '/' || line.startsWith('!')) continue;
    return raw.trim().startsWith('/') || raw.trim().startsWith('*') ? line : undefined;
  }
  return undefined;
}

function pythonSummary(content: string): string {
  const names = content
    .split('\n')
    .filter((line) => line.startsWith('def ') || line.startsWith('class ') || line.startsWith('async def '))
    .map((line) => line.replace('async def ', 'def ').split(/[\s(:]+/)[1] ?? '')
    .filter((name) => name !== '' && !name.startsWith('_'));
  return names.length > 0 ? listed('defines', names) : firstLine(content);
}

function markdownSummary(content: string): string {
  const heading = content.split('\n').find((line) => line.startsWith('#'));
  return heading ? heading.replace(/^#+/, '').trim() : firstLine(content);
}

function jsonSummary(content: string): string {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return 'not valid JSON';
  }
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const name = typeof record.name === 'string' ? `${record.name}; ` : '';
    return `${name}${listed('keys', Object.keys(record))}`;
  }
  return typeof value;
}

/** Unindented `key<separator>` lines (YAML keys, dotenv variables). */
function topLevelKeys(content: string, separator: string): string[] {
  return content
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith(' ') && !line.startsWith('\t') && !line.startsWith('#') && !line.startsWith('-') && line.includes(separator))
    .map((line) => line.slice(0, line.indexOf(separator)).trim())
    .filter((key) => key !== '');
}

function prismaSummary(content: string): string {
  const blocks = (keyword: string): string[] => keywordLines(content, `${keyword} `).map((rest) => rest.split(/[\s{]+/)[0] ?? '');
  const parts = [listed('models', blocks('model')), listed('enums', blocks('enum'))].filter((part) => !part.endsWith(': none'));
  return parts.length > 0 ? parts.join('; ') : firstLine(content);
}

function sqlSummary(content: string): string {
  const tables = content
    .split('\n')
    .map((line) => line.trim().toUpperCase().startsWith('CREATE TABLE') ? line.trim().slice('CREATE TABLE'.length).trim() : '')
    .map((rest) => (rest.toUpperCase().startsWith('IF NOT EXISTS') ? rest.slice('IF NOT EXISTS'.length).trim() : rest))
    .map((rest) => rest.split(/[\s(]+/)[0]?.replaceAll('"', '') ?? '')
    .filter((table) => table !== '');
  return tables.length > 0 ? listed('tables', tables) : firstLine(content);
}

/** The rest of each line starting with `prefix` (after leading spaces). */
function keywordLines(content: string, prefix: string): string[] {
  return content
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim());
}

function listed(label: string, names: readonly string[]): string {
  if (names.length === 0) return `${label}: none`;
  const shown = names.slice(0, MAX_NAMES).join(', ');
  return `${label}: ${shown}${names.length > MAX_NAMES ? ` and ${names.length - MAX_NAMES} more` : ''}`;
}

function firstLine(content: string): string {
  return content.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'empty';
}

function lineCount(content: string): number {
  return content.endsWith('\n') ? content.split('\n').length - 1 : content.split('\n').length;
}

function clip(text: string): string {
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 1)}…`;
}
