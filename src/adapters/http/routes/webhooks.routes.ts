import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../lib/errors.js';
import { safeEqual } from '../../../lib/secrets.js';
import type { IntakeNumber } from '../../../modules/numbers/index.js';
import type { RawWebhook } from '../../../modules/inbound/index.js';
import type { GroupCommitter } from '../../db/group-commit.js';
import type { IntakeSecrets } from '../../whatsapp/intake-secrets.js';
import { verifyingSecrets } from '../../whatsapp/signature.js';
import { routingIdsOf } from '../../whatsapp/webhook-parse.js';

/** What webhook intake needs. */
export interface WebhookIntakeDeps {
  secrets: IntakeSecrets;
  committer: GroupCommitter<RawWebhook>;
  clock: { now(): Date };
}

// Meta's bodies are small, but batched deliveries can reach a few MB.
const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Which numbers' secrets verify the body. A body is accepted only when every number or WABA it
 * mentions belongs to an app whose secret signed it, so one tenant's Meta app cannot inject
 * events for another tenant's number.
 */
function authorise(raw: Buffer, header: string | undefined, numbers: IntakeNumber[], ids: { phoneNumberIds: string[]; wabaIds: string[] }): boolean {
  const verified = verifyingSecrets(raw, header, numbers.map((n) => n.appSecret));
  if (verified.size === 0) return false;
  const ok = (n: IntakeNumber | undefined) => n === undefined || verified.has(n.appSecret);
  return (
    ids.phoneNumberIds.every((id) => ok(numbers.find((n) => n.phoneNumberId === id))) &&
    ids.wabaIds.every((id) => numbers.filter((n) => n.wabaId === id).every((n) => verified.has(n.appSecret)))
  );
}

/** `GET /webhooks/whatsapp` (verification handshake) and `POST /webhooks/whatsapp` (signed events). */
export async function webhookRoutes(app: FastifyInstance, deps: WebhookIntakeDeps): Promise<void> {
  await app.register(async (scope) => {
    // Signatures cover the exact bytes, so this scope keeps the body as a Buffer.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get('/webhooks/whatsapp', { config: { public: true, rateLimit: false }, schema: { hide: true } }, async (req: FastifyRequest<{ Querystring: Record<string, string> }>, reply) => {
      const q = req.query;
      const token = q['hub.verify_token'] ?? '';
      const numbers = await deps.secrets.refresh();
      const matches = numbers.some((n) => safeEqual(n.verifyToken, token));
      if (q['hub.mode'] !== 'subscribe' || !matches || !q['hub.challenge']) {
        throw new AppError('WEBHOOK_VERIFY_FAILED', 'verify token does not match any connected number');
      }
      return reply.type('text/plain').send(q['hub.challenge']);
    });

    // Thousands of deliveries a second: per-request info logs would cost more than the work itself.
    scope.post('/webhooks/whatsapp', { config: { public: true, rateLimit: false }, logLevel: 'warn', bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.headers['x-hub-signature-256'];
      const sig = typeof header === 'string' ? header : undefined;
      const text = raw.toString('utf8');
      const ids = routingIdsOf(text);
      let numbers = await deps.secrets.get();
      if (!authorise(raw, sig, numbers, ids)) {
        numbers = await deps.secrets.refresh();
        if (!authorise(raw, sig, numbers, ids)) {
          req.log.warn({ hasSignature: Boolean(sig), bytes: raw.length }, 'webhook rejected: signature does not verify');
          throw new AppError('WEBHOOK_SIGNATURE_INVALID', 'X-Hub-Signature-256 is missing or does not match the app secret');
        }
      }
      // Durable before ack: the 200 is sent only after the group commit wrote this body; if the
      // database is down the write fails and Meta gets a 5xx, so it retries later.
      await deps.committer.add({ raw: text, receivedAt: deps.clock.now(), phoneNumberId: ids.phoneNumberIds[0] ?? null });
      return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
    });
  });
}
