import { createSecretBox, type SecretBox } from '../lib/secrets.js';
import { safeErrorMessage } from '../lib/redact.js';
import type { Logger } from 'pino';
import type { Db } from '../modules/context.js';
import type { WhatsAppGateway } from '../modules/messaging/index.js';
import { storeWebhooks, type RawWebhook } from '../modules/inbound/index.js';
import { linkSigner } from '../modules/broadcasts/index.js';
import { parseWebhook } from '../adapters/whatsapp/webhook-parse.js';
import { createCloudApiClient } from '../adapters/whatsapp/cloud-api-client.js';
import { createIntakeSecrets } from '../adapters/whatsapp/intake-secrets.js';
import { createGroupCommitter, type GroupCommitter } from '../adapters/db/group-commit.js';
import type { WebhookIntakeDeps } from '../adapters/http/routes/webhooks.routes.js';

/** The adapters a process wires into modules and routes. */
export interface Wiring {
  box: SecretBox;
  gateway: WhatsAppGateway;
  webhooks: WebhookIntakeDeps & { committer: GroupCommitter<RawWebhook> };
  /** Signs tracked-link tokens; every process derives the same key from the master key. */
  linkSign: (payload: string) => string;
}

/** Builds the secret box, the Cloud API client and the webhook intake (group commit). */
export function wire(db: Db, masterKey: Buffer, log: Logger, clock: { now(): Date }): Wiring {
  const box = createSecretBox(masterKey);
  const committer = createGroupCommitter<RawWebhook>({
    flush: async (items) => {
      try {
        await storeWebhooks(db, items, { parse: parseWebhook, log, now: clock.now() });
      } catch (err) {
        log.error({ err: { message: safeErrorMessage(err) }, count: items.length }, 'could not store webhook batch; answering 5xx so Meta retries');
        throw err;
      }
    },
  });
  return { box, gateway: createCloudApiClient(), webhooks: { secrets: createIntakeSecrets(db, box), committer, clock }, linkSign: linkSigner(masterKey) };
}
