/**
 * Request validation with the same zod schemas that the OpenAPI document is generated from.
 * A failure lists every field at fault (`{field, in, message}`) and is answered 400.
 */
import type { z } from 'zod';
import { RequestValidationError, type FieldLocation } from '../http-errors.js';

export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: FieldLocation): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new RequestValidationError(
    result.error.issues.slice(0, 20).map((issue) => ({
      field: (issue.code === 'unrecognized_keys' ? [...issue.path.map(String), issue.keys.join(',')] : issue.path.map(String)).join('.') || location,
      in: location,
      message: issue.code === 'unrecognized_keys' ? `unknown field${issue.keys.length > 1 ? 's' : ''}` : issue.message,
    })),
  );
}
