// Pure rules of outbound webhooks: event types, the Standard Webhooks signature, the retry
// schedule and which URLs an endpoint may have. No I/O.
import { createHmac, randomBytes } from 'node:crypto';
import { isAllowedOrigin, isBlockedAddress, type AllowedOrigin } from '../../lib/outbound/index.js';

/** Event types a workspace can subscribe to (`*`: all of them). */
export const WEBHOOK_EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'consent.granted',
  'consent.withdrawn',
  'message.received',
  'message.status',
  'broadcast.started',
  'broadcast.completed',
  'automation.run.completed',
  'automation.webhook',
  'conversation.assigned',
  'conversation.closed',
  'import.completed',
  'webhook.test',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/**
 * Where a delivery stands. `dead`: retried for 3 days without a 2xx. `failed`: the outbound policy
 * refused its URL before anything was sent (e.g. the operator removed its origin from the allow
 * list); not retried, replay it once the URL or the list is fixed.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** How long a delivery is retried before it is dead. */
export const RETRY_WINDOW_MS = 3 * 24 * 3600_000;
/** How long an endpoint may fail without a single 2xx before it is disabled. */
export const DISABLE_AFTER_MS = 24 * 3600_000;
/** First retry's ceiling, and the largest gap between two attempts. */
export const BACKOFF_BASE_MS = 15_000;
export const BACKOFF_CAP_MS = 3 * 3600_000;
/** Longest answer body kept in the log. */
export const SNIPPET_BYTES = 2048;

/** A new signing secret in the Standard Webhooks form: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret (the base64 after the prefix, decoded). */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * The `webhook-signature` value for one delivery (Standard Webhooks): `v1,` + base64 of
 * HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>"), timestamp in Unix seconds.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * When the next attempt is due after `attempts` failed ones: exponential backoff with full jitter
 * (a uniformly random wait up to min(cap, base·2^(attempts-1))), so endpoints that came back after an
 * outage are not hit by every waiting delivery in the same second. Never less than one second.
 */
export function nextAttemptDelayMs(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(30, Math.max(0, attempts - 1)));
  return Math.max(1000, Math.floor(random() * ceiling));
}

/** The first `SNIPPET_BYTES` of an answer, with the endpoint's secret blanked should a receiver echo it. */
export function responseSnippet(text: string, secret: string): string {
  const cut = Buffer.from(text, 'utf8').subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\uFFFD+$/, '');
  return secret ? cut.split(secret).join('[secret]').split(secret.slice(6)).join('[secret]') : cut;
}

/**
 * Why `url` may not be an endpoint, or undefined: absolute http(s), no user info, https unless the
 * operator allow-listed its origin (GREENLIST_WEBHOOK_ALLOWED_ORIGINS), and no private, loopback or
 * link-local IP literal. Hostnames are checked again when each delivery connects (DNS may change).
 */
export function webhookUrlProblem(url: string, allowed: readonly AllowedOrigin[]): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute URL such as https://crm.example.com/hooks/greenlist';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must start with https://';
  if (u.username || u.password || /^[a-z]+:\/\/[^/]*@/i.test(url)) return 'must not contain user info (user:password@); authenticate with the signature instead';
  if (url.includes('#')) return 'must not contain a fragment (#)';
  if (isAllowedOrigin(u, allowed)) return undefined;
  if (u.protocol !== 'https:') return 'must use https:// (plain http only for origins the operator lists in GREENLIST_WEBHOOK_ALLOWED_ORIGINS)';
  if (isIpLiteral(u.hostname) && isBlockedAddress(u.hostname)) return 'must not point at a private, loopback or link-local address (the operator may allow one in GREENLIST_WEBHOOK_ALLOWED_ORIGINS)';
  return undefined;
}

function isIpLiteral(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return /^[\d.]+$/.test(h) || h.includes(':');
}
