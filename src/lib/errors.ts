/** Domain error codes; the HTTP adapter maps each to a status (src/adapters/http/error-status.ts). */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'BODY_INVALID_JSON'
  | 'BODY_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'URL_INVALID'
  | 'URL_TOO_LONG'
  | 'AUTH_REQUIRED'
  | 'AUTH_INVALID'
  | 'AUTH_LOGIN_FAILED'
  | 'AUTH_WORKSPACE_NOT_LINKED'
  | 'SETUP_TOKEN_INVALID'
  | 'SETUP_TOKEN_USED'
  | 'SETUP_TOKEN_EXPIRED'
  | 'SETUP_DONE'
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
  | 'INTERNAL'
  | 'PHONE_NUMBER_TAKEN'
  | 'WABA_ID_TAKEN'
  | 'PHONE_INVALID'
  | 'WINDOW_CLOSED'
  | 'NO_PHONE_NUMBER'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_VERIFY_FAILED'
  | 'WEBHOOK_PAYLOAD_INVALID'
  | 'WHATSAPP_TRANSIENT'
  | 'WHATSAPP_RATE_LIMITED'
  | 'WHATSAPP_PAIR_RATE_LIMITED'
  | 'WHATSAPP_ECOSYSTEM_LIMITED'
  | 'WHATSAPP_SPAM_LIMITED'
  | 'WHATSAPP_WINDOW_CLOSED'
  | 'WHATSAPP_MARKETING_STOPPED'
  | 'WHATSAPP_RECIPIENT_UNREACHABLE'
  | 'WHATSAPP_RECIPIENT_NOT_ALLOWED'
  | 'WHATSAPP_REQUEST_INVALID'
  | 'WHATSAPP_MEDIA_FAILED'
  | 'WHATSAPP_TEMPLATE_REJECTED'
  | 'WHATSAPP_AUTH_FAILED'
  | 'WHATSAPP_ACCOUNT_BLOCKED'
  | 'WHATSAPP_SEND_UNCERTAIN'
  | 'WHATSAPP_CONNECTION_FAILED'
  | 'OUTBOUND_URL_REFUSED'
  | 'TEMPLATE_NOT_FOUND'
  | 'TEMPLATE_NOT_APPROVED'
  | 'TEMPLATE_INVALID'
  | 'TEMPLATE_NAME_TAKEN'
  | 'TEMPLATE_VARIABLES_INVALID'
  | 'CONTACT_PHONE_TAKEN'
  | 'ATTRIBUTE_INVALID'
  | 'ATTRIBUTE_KEY_TAKEN'
  | 'TOPIC_KEY_TAKEN'
  | 'CONSENT_EVIDENCE_MISSING'
  | 'CONSENT_SUPPRESSED'
  | 'CONSENT_REQUIRED'
  | 'CONSENT_WITHDRAWN'
  | 'CONTACT_UNREACHABLE'
  | 'CONTACT_PAUSED'
  | 'SEND_DEFERRED'
  | 'MESSAGING_LIMIT_REACHED'
  | 'TEMPLATE_TOPIC_MISMATCH'
  | 'TEMPLATE_CATEGORY_UNSUPPORTED'
  | 'KEYWORD_TAKEN'
  | 'FORM_INCOMPLETE'
  | 'FORM_SLUG_TAKEN'
  | 'IMPORT_ENCODING_UNSUPPORTED'
  | 'IMPORT_CSV_INVALID'
  | 'IMPORT_ATTESTATION_MISSING'
  | 'SEGMENT_RULES_INVALID'
  | 'SEGMENT_NAME_TAKEN'
  | 'CANNED_SHORTCUT_TAKEN'
  | 'INBOX_TEAM_NAME_TAKEN'
  | 'CANNED_LIMIT_REACHED'
  | 'WEBHOOK_ENDPOINT_LIMIT_REACHED'
  | 'SEGMENT_NOT_STATIC'
  | 'SEGMENT_NOT_DYNAMIC'
  | 'SEGMENT_IN_USE'
  | 'EVENT_CONTACT_NOT_FOUND'
  | 'MAINTENANCE_RUNNING'
  | 'BROADCAST_STATE_INVALID'
  | 'AB_TEST_INVALID'
  | 'AB_TEST_STATE_INVALID'
  | 'BROADCAST_TOPIC_UNKNOWN'
  | 'BROADCAST_TOPIC_MISMATCH'
  | 'BROADCAST_VARIABLES_INVALID'
  | 'AUTOMATION_INVALID'
  | 'AUTOMATION_STATE_INVALID'
  | 'BROADCAST_AUDIENCE_INVALID'
  | 'BROADCAST_SCHEDULE_INVALID'
  | 'BROADCAST_NO_TEST_NUMBERS'
  | 'LINK_INVALID';

/**
 * How a failed external call may be retried:
 * - transient: back off with jitter and retry;
 * - pacing: delay only this recipient;
 * - long_delay: do not retry soon (hours), maybe never;
 * - permanent_content: never retry this message;
 * - permanent_account: stop until a human fixes the account;
 * - uncertain: the request may have been executed; never blindly re-send.
 */
export type RetryClass = 'transient' | 'pacing' | 'long_delay' | 'permanent_content' | 'permanent_account' | 'uncertain';

/** The one error type domain code throws; `details` must never carry secrets or full phone numbers. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  readonly retry: RetryClass | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, opts: boolean | { retry: RetryClass } = false) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retry = typeof opts === 'object' ? opts.retry : undefined;
    this.retryable = typeof opts === 'object' ? opts.retry === 'transient' || opts.retry === 'pacing' : opts;
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
