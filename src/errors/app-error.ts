/**
 * Errors that mean something: a stable `code`, an HTTP status and a `cause`.
 * Each boundary sorts what it catches by these: HTTP answers with the error's status and code
 * (any other throw is a 500 that hides its message, src/api/middleware/error-handler.ts); the CLI
 * prints the message and exits non-zero (src/cli/main.ts); job processors let BullMQ record it.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(message: string, options: { code?: string; status?: number; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? 'internal_error';
    this.status = options.status ?? 500;
    this.details = options.details;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { code: 'validation_error', status: 400, details });
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(`${what} not found`, { code: 'not_found', status: 404 });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { code: 'conflict', status: 409, details });
  }
}

export class BudgetExceededError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(message, { code: 'budget_exceeded', status: 402, details });
  }
}

/**
 * The owner's monthly spending cap (src/economics/user-spend.ts), not the project's budget, refused
 * the call. A BudgetExceededError, so it is handled the same way (cheaper models first, then the
 * project stops as budget_exhausted), but its message and code name the account's cap.
 */
export class SpendCapReachedError extends BudgetExceededError {
  override readonly code = 'spend_cap_reached';
}

/** A model the price table (src/economics/pricing.ts) has no price for: refused before the call, never charged $0. */
export class UnpricedModelError extends AppError {
  constructor(model: string, provider?: string) {
    const ref = provider ? `${provider}:${model}` : model;
    super(`no price for model ${ref}: add it to MODEL_PRICES (USD per 1M tokens, e.g. {"${model}":{"input":1,"output":5}}) before using it`, {
      code: 'model_unpriced',
      status: 500,
      details: { model, provider },
    });
  }
}

/** A dependency or feature this server cannot provide right now (HTTP 503). */
export class ServiceUnavailableError extends AppError {
  constructor(message: string) {
    super(message, { code: 'unavailable', status: 503 });
  }
}

/** A write carrying a fencing token older than the lock's current one. */
export class StaleLockError extends AppError {
  constructor(path: string) {
    super(`lock on ${path} is no longer held by this writer`, { code: 'stale_lock', status: 409 });
  }
}
