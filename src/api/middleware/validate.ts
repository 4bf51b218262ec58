/**
 * Request validation with the same zod schemas that the OpenAPI document is generated from.
 * A failure lists every field at fault (`{field, in, message}`) and is answered 400.
 *
 * Before any schema, every string of the input (values and object keys, at any depth) is checked
 * for U+0000: PostgreSQL's text types cannot store it, so a NUL that passed a schema would fail
 * in SQL as a 500. Checking here covers every field of every route, present and future.
 */
import type { z } from 'zod';
import { RequestValidationError, type FieldError, type FieldLocation } from '../http-errors.js';

const MAX_ISSUES = 20;

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: FieldLocation): z.output<S> {
  const withNul = nulFields(value, [], []);
  if (withNul.length > 0) {
    throw new RequestValidationError(withNul.map((path) => ({ field: path.join('.') || location, in: location, message: 'must not contain a NUL character (U+0000)' })));
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestValidationError(
    result.error.issues.slice(0, MAX_ISSUES).map(
      (issue): FieldError => ({
        field: (issue.code === 'unrecognized_keys' ? [...issue.path.map(String), issue.keys.join(',')] : issue.path.map(String)).join('.') || location,
        in: location,
        message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''}` : issue.message,
      }),
    ),
  );
}

/** The paths of strings (or keys) holding U+0000; at most MAX_ISSUES. Bodies are size-limited, so the walk is bounded. */
function nulFields(value: unknown, path: string[], found: string[][]): string[][] {
  if (found.length >= MAX_ISSUES) return found;
  if (typeof value === 'string') {
    if (value.includes('\0')) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => nulFields(item, [...path, String(index)], found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\0')) found.push([...path, key]);
      else nulFields(item, [...path, key], found);
    }
  }
  return found;
}
