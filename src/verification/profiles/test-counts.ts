/**
 * Test counts from a runner's closing lines: node:test (spec and TAP reporters), vitest, jest,
 * mocha, Python's unittest and pytest. Each pattern is anchored and linear (the output is
 * model-written code's, i.e. untrusted); the last matching summary in the output wins.
 */
import type { TestCounts } from './toolchain-profile.js';

type Parser = (lines: string[]) => TestCounts | undefined;

function lastNumber(lines: string[], pattern: RegExp): number | undefined {
  for (let index = lines.length - 1; index >= 0; index--) {
    const match = pattern.exec(lines[index] ?? '');
    if (match?.[1] !== undefined) return Number(match[1]);
  }
  return undefined;
}

function countIn(line: string, word: string): number {
  const match = new RegExp(`(\\d+) ${word}`).exec(line);
  return match?.[1] ? Number(match[1]) : 0;
}

const nodeTest: Parser = (lines) => {
  const pass = lastNumber(lines, /^(?:#|ℹ) pass (\d+)$/u);
  const fail = lastNumber(lines, /^(?:#|ℹ) fail (\d+)$/u);
  if (pass === undefined || fail === undefined) return undefined;
  const skipped = (lastNumber(lines, /^(?:#|ℹ) skipped (\d+)$/u) ?? 0) + (lastNumber(lines, /^(?:#|ℹ) todo (\d+)$/u) ?? 0);
  return { passed: pass, failed: fail, skipped };
};

const vitest: Parser = (lines) => {
  const line = [...lines].reverse().find((entry) => /^\s*Tests\s+\d/.test(entry));
  if (!line) return undefined;
  return { passed: countIn(line, 'passed'), failed: countIn(line, 'failed'), skipped: countIn(line, 'skipped') + countIn(line, 'todo') };
};

const jest: Parser = (lines) => {
  const line = [...lines].reverse().find((entry) => entry.startsWith('Tests:'));
  if (!line) return undefined;
  return { passed: countIn(line, 'passed'), failed: countIn(line, 'failed'), skipped: countIn(line, 'skipped') + countIn(line, 'todo') };
};

const mocha: Parser = (lines) => {
  const passed = lastNumber(lines, /^\s*(\d+) passing/);
  if (passed === undefined) return undefined;
  return { passed, failed: lastNumber(lines, /^\s*(\d+) failing/) ?? 0, skipped: lastNumber(lines, /^\s*(\d+) pending/) ?? 0 };
};

const unittest: Parser = (lines) => {
  const ran = lastNumber(lines, /^Ran (\d+) tests? in /);
  if (ran === undefined) return undefined;
  const verdict = [...lines].reverse().find((entry) => /^(?:OK|FAILED)\b/.test(entry)) ?? '';
  const failed = (Number(/failures=(\d+)/.exec(verdict)?.[1] ?? 0) || 0) + (Number(/errors=(\d+)/.exec(verdict)?.[1] ?? 0) || 0);
  const skipped = Number(/skipped=(\d+)/.exec(verdict)?.[1] ?? 0) || 0;
  return { passed: Math.max(ran - failed - skipped, 0), failed, skipped };
};

const pytest: Parser = (lines) => {
  const line = [...lines].reverse().find((entry) => entry.startsWith('=') && / \d+ (?:passed|failed|error)/.test(entry));
  if (!line) return undefined;
  return { passed: countIn(line, 'passed'), failed: countIn(line, 'failed') + countIn(line, 'errors?'), skipped: countIn(line, 'skipped') };
};

const PARSERS: Parser[] = [vitest, jest, mocha, nodeTest, unittest, pytest];

export function parseTestCounts(output: string): TestCounts | undefined {
  // Colour codes would hide the summaries.
  // eslint-disable-next-line no-control-regex -- matching ANSI escapes is the point
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((line) => line.trimEnd());
  for (const parse of PARSERS) {
    const counts = parse(lines);
    if (counts) return counts;
  }
  return undefined;
}
