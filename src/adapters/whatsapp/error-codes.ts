import { AppError, type ErrorCode, type RetryClass } from '../../lib/errors.js';

/** How Greenlist treats one Cloud API error code. */
interface CodeRule {
  retry: RetryClass;
  code: ErrorCode;
}

// Retry classes from Meta's error table (docs/whatsapp-cloud-api.md §2). Meta says error titles may
// change, so only the numeric code drives behaviour; titles never leave this adapter.
const RULES: Record<number, CodeRule> = {
  1: { retry: 'transient', code: 'WHATSAPP_TRANSIENT' },
  2: { retry: 'transient', code: 'WHATSAPP_TRANSIENT' },
  4: { retry: 'transient', code: 'WHATSAPP_RATE_LIMITED' },
  80007: { retry: 'transient', code: 'WHATSAPP_RATE_LIMITED' },
  130429: { retry: 'transient', code: 'WHATSAPP_RATE_LIMITED' },
  131016: { retry: 'transient', code: 'WHATSAPP_TRANSIENT' },
  131057: { retry: 'transient', code: 'WHATSAPP_TRANSIENT' },
  133004: { retry: 'transient', code: 'WHATSAPP_TRANSIENT' },
  131000: { retry: 'uncertain', code: 'WHATSAPP_SEND_UNCERTAIN' },
  131056: { retry: 'pacing', code: 'WHATSAPP_PAIR_RATE_LIMITED' },
  131049: { retry: 'long_delay', code: 'WHATSAPP_ECOSYSTEM_LIMITED' },
  131048: { retry: 'long_delay', code: 'WHATSAPP_SPAM_LIMITED' },
  368: { retry: 'long_delay', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  131047: { retry: 'permanent_content', code: 'WHATSAPP_WINDOW_CLOSED' },
  131050: { retry: 'permanent_content', code: 'WHATSAPP_MARKETING_STOPPED' },
  131026: { retry: 'permanent_content', code: 'WHATSAPP_RECIPIENT_UNREACHABLE' },
  130472: { retry: 'permanent_content', code: 'WHATSAPP_RECIPIENT_UNREACHABLE' },
  131021: { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' },
  131030: { retry: 'permanent_content', code: 'WHATSAPP_RECIPIENT_NOT_ALLOWED' },
  133010: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  100: { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' },
  33: { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' },
  131008: { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' },
  131009: { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' },
  131053: { retry: 'permanent_content', code: 'WHATSAPP_MEDIA_FAILED' },
  0: { retry: 'permanent_account', code: 'WHATSAPP_AUTH_FAILED' },
  3: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  10: { retry: 'permanent_account', code: 'WHATSAPP_AUTH_FAILED' },
  190: { retry: 'permanent_account', code: 'WHATSAPP_AUTH_FAILED' },
  131005: { retry: 'permanent_account', code: 'WHATSAPP_AUTH_FAILED' },
  131031: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  131042: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  131063: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  131064: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
  130497: { retry: 'permanent_account', code: 'WHATSAPP_ACCOUNT_BLOCKED' },
};

/** Classifies a Cloud API error code (sync HTTP error or async failed status). */
export function classifyMetaCode(metaCode: number): CodeRule {
  const rule = RULES[metaCode];
  if (rule) return rule;
  if (metaCode >= 132000 && metaCode < 133000) return { retry: 'permanent_content', code: 'WHATSAPP_TEMPLATE_REJECTED' };
  if (metaCode >= 200 && metaCode < 300) return { retry: 'permanent_account', code: 'WHATSAPP_AUTH_FAILED' };
  return { retry: 'permanent_content', code: 'WHATSAPP_REQUEST_INVALID' };
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  WHATSAPP_TRANSIENT: 'the WhatsApp Cloud API is temporarily unavailable; retrying later',
  WHATSAPP_RATE_LIMITED: "the business number's throughput limit was reached; slowing down",
  WHATSAPP_PAIR_RATE_LIMITED: 'too many messages to this recipient in a short time; delaying this recipient',
  WHATSAPP_ECOSYSTEM_LIMITED: 'WhatsApp did not deliver this marketing message to protect the recipient (per-user limit)',
  WHATSAPP_SPAM_LIMITED: 'the number is limited because earlier messages were blocked or reported',
  WHATSAPP_WINDOW_CLOSED: 'more than 24 hours since the contact last wrote; send an approved template instead',
  WHATSAPP_MARKETING_STOPPED: 'the contact stopped marketing messages from this business in WhatsApp',
  WHATSAPP_RECIPIENT_UNREACHABLE: 'the number is not on WhatsApp or cannot receive messages',
  WHATSAPP_RECIPIENT_NOT_ALLOWED: 'a test number may only message its allowed recipients',
  WHATSAPP_REQUEST_INVALID: 'the WhatsApp Cloud API rejected the message as invalid',
  WHATSAPP_MEDIA_FAILED: 'WhatsApp could not fetch or process the media',
  WHATSAPP_TEMPLATE_REJECTED: 'the template cannot be sent (missing, not approved, paused or wrong parameters)',
  WHATSAPP_AUTH_FAILED: 'the access token for this business number is invalid, expired or lacks permission; update it',
  WHATSAPP_ACCOUNT_BLOCKED: 'the WhatsApp account cannot send right now (policy block, billing or registration); check WhatsApp Manager',
  WHATSAPP_SEND_UNCERTAIN: 'the Cloud API reported an unknown error after the request; the message may have been sent',
};

/** Converts a Meta error code into an AppError for domain code (no vendor text, only the numeric code). */
export function metaErrorToAppError(metaCode: number, httpStatus?: number): AppError {
  const rule = classifyMetaCode(metaCode);
  return new AppError(rule.code, MESSAGES[rule.code] ?? 'the WhatsApp Cloud API rejected the request', { meta_code: metaCode, ...(httpStatus ? { http_status: httpStatus } : {}) }, {
    retry: rule.retry,
  });
}
