/**
 * The HTTP-only errors of the gateway, on the project's AppError base (stable `code`, HTTP status).
 * Engine errors (ValidationError, NotFoundError, ConflictError …) pass through unchanged.
 */
import { AppError } from '../errors/app-error.js';

export type FieldLocation = 'body' | 'query' | 'params' | 'headers';

export interface FieldError {
  /** Dotted path inside its location, e.g. `requirements` or `options.includeStages.0`. */
  field: string;
  in: FieldLocation;
  message: string;
}

export class RequestValidationError extends AppError {
  constructor(readonly errors: FieldError[]) {
    const first = errors[0];
    super(first ? `${first.in}.${first.field}: ${first.message}` : 'invalid request', { code: 'validation_error', status: 400 });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super(message, { code: 'unauthorized', status: 401 });
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'not allowed') {
    super(message, { code: 'forbidden', status: 403 });
  }
}

export class TooManyRequestsError extends AppError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(message, { code: 'rate_limited', status: 429, details: retryAfterSeconds === undefined ? undefined : { retryAfterSeconds } });
  }
}
