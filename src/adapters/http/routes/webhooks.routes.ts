import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/errors.js';
import { safeEqual } from '../../../lib/secrets.js';
import type { RawWebhook } from '../../../modules/inbound/index.js';
import type { GroupCommitter } from '../../db/group-commit.js';
import type { IntakeSecrets } from '../../whatsapp/intake-secrets.js';
import { authoriseWebhook } from '../../whatsapp/webhook-auth.js';
import { createFailureLimiter } from '../failure-limit.js';

/** What webhook intake needs. */
export interface WebhookIntakeDeps {
  secrets: IntakeSecrets;
  committer: GroupCommitter<RawWebhook>;
  clock: { now(): Date };
  /** Bad signatures one IP may send per window before it is answered 429 (default 20 a minute). */
  signatureFailures?: { max: number; windowMs: number };
}

// Meta documents up to ~3 MB per delivery; anything larger is refused by Fastify from its
// Content-Length (or while streaming) before a byte is hashed.
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;
// From an IP over its bad-signature limit, only bodies this small are still checked (Meta's are a
// few KB); bigger ones are answered 429 unread, and Meta retries them once the window passes.
const LIMITED_BODY_LIMIT = 64 * 1024;

function tooManyFailures(retryAfter: number): AppError {
  return new AppError(
    'RATE_LIMITED',
    `too many webhook deliveries with a bad X-Hub-Signature-256 from this address; retry in ${retryAfter} s (validly signed deliveries are still accepted)`,
    { retry_after_seconds: retryAfter, reason: 'webhook_signature_failures' },
    true,
  );
}

// PostgreSQL text cannot hold NUL. A raw NUL is never valid JSON, so it is stored as the JSON
// escape: processing then puts the value aside with a reason instead of losing the whole batch.
const storable = (text: string) => (text.includes('\0') ? text.replaceAll('\0', '\\u0000') : text);

/** `GET /webhooks/whatsapp` (verification handshake) and `POST /webhooks/whatsapp` (signed events). */
export async function webhookRoutes(app: FastifyInstance, deps: WebhookIntakeDeps): Promise<void> {
  const failures = createFailureLimiter(deps.signatureFailures ?? { max: 20, windowMs: 60_000 });
  await app.register(async (scope) => {
    // Signatures cover the exact bytes, so this scope keeps the body as a Buffer.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get('/webhooks/whatsapp', { config: { public: true, rateLimit: false }, schema: { hide: true } }, async (req: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
      const q = req.query;
      const token = q['hub.verify_token'] ?? '';
      const { numbers } = await deps.secrets.refresh();
      const matches = numbers.some((n) => safeEqual(n.verifyToken, token));
      if (q['hub.mode'] !== 'subscribe' || !matches || !q['hub.challenge']) {
        throw new AppError('WEBHOOK_VERIFY_FAILED', 'verify token does not match any connected number');
      }
      return reply.type('text/plain').send(q['hub.challenge']);
    });

    // Thousands of deliveries a second: per-request info logs would cost more than the work itself.
    scope.post('/webhooks/whatsapp', { config: { public: true, rateLimit: false }, logLevel: 'warn', bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const limited = failures.limitedFor(req.ip);
      if (limited > 0 && raw.length > LIMITED_BODY_LIMIT) throw tooManyFailures(limited);
      const header = req.headers['x-hub-signature-256'];
      const text = storable(raw.toString('utf8'));
      const accepted = await authoriseWebhook(raw, text, typeof header === 'string' ? header : undefined, deps.secrets);
      if (!accepted) {
        failures.fail(req.ip);
        // Once an address is limited its failures are not logged one by one (a flood would flood the log).
        if (limited > 0) throw tooManyFailures(limited);
        req.log.warn({ hasSignature: typeof header === 'string', bytes: raw.length }, 'webhook rejected: signature does not verify for the numbers it names');
        throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature-256 is missing or does not match the app secret of the numbers this body names');
      }
      // Durable before ack: the 200 is sent only after the group commit wrote this body; if the
      // database is down the write fails and Meta gets a 5xx, so it retries later.
      await deps.committer.add({ raw: text, receivedAt: deps.clock.now(), phoneNumberId: accepted.phoneNumberIds[0] ?? null });
      return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
    });
  });
}
