/**
 * Names of a Python program from the request's title: its import package (snake_case, a valid
 * identifier that shadows neither a keyword nor a standard-library module, since the tests run
 * with the project root first on sys.path) and its distribution / console-script name (kebab-case).
 */
import { kebabCase } from '../naming.js';
import type { RequestAnalysis } from '../types.js';

/** Keywords and the standard-library modules a title is likely to spell. */
const TAKEN = new Set(
  (
    'and as assert async await break class continue def del elif else except false finally for from global if import in is lambda none nonlocal not or pass raise return true try while with yield ' +
    'abc argparse array ast asyncio base64 bisect calendar cmd code collections copy csv dataclasses datetime decimal difflib email enum functools glob gzip hashlib heapq html http inspect io ' +
    'itertools json logging math operator os pathlib pickle platform queue random re secrets select shutil signal socket sqlite3 statistics string struct subprocess sys tempfile test textwrap ' +
    'threading time timeit tokenize types typing unittest urllib uuid warnings weakref xml zipfile zlib tests'
  ).split(' '),
);

export function pythonPackageName(analysis: Pick<RequestAnalysis, 'title'>): string {
  const words = kebabCase(analysis.title).split('-').filter((word) => /^[a-z0-9]+$/.test(word));
  let name = trimEnd(words.join('_').replace(/^[0-9_]+/, '').slice(0, 40), '_');
  if (name === '') name = 'program';
  return TAKEN.has(name) ? `${name}_tool` : name;
}

export function pythonDistributionName(analysis: Pick<RequestAnalysis, 'title'>): string {
  return pythonPackageName(analysis).replaceAll('_', '-');
}

/** `value` without trailing `char`s (a loop, not a backtracking `/_+$/`). */
function trimEnd(value: string, char: string): string {
  let end = value.length;
  while (end > 0 && value[end - 1] === char) end--;
  return value.slice(0, end);
}
