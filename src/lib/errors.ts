/** Domain error codes; the HTTP adapter maps each to a status (src/adapters/http/error-status.ts). */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BODY_INVALID_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'AUTH_REQUIRED'
  | 'AUTH_INVALID'
  | 'AUTH_LOGIN_FAILED'
  | 'FORBIDDEN_ROLE'
  | 'CSRF_REJECTED'
  | 'RATE_LIMITED'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_INVALID'
  | 'WORKSPACE_SLUG_TAKEN'
  | 'USER_EMAIL_TAKEN'
  | 'USER_LAST_OWNER'
  | 'DATA_DIR_LOCKED'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL';

/** The one error type domain code throws; `details` must never carry secrets or full phone numbers. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, retryable = false) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retryable = retryable;
  }
}

/** A 404 that looks the same whether the object is missing or belongs to another workspace. */
export function notFound(what: string, id?: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`, id === undefined ? undefined : { id });
}

/** True when `err` is an AppError with the given code. */
export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
