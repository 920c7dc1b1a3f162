import { createSecretBox, type SecretBox } from '../lib/secrets.js';
import { safeErrorMessage } from '../lib/redact.js';
import type { Logger } from 'pino';
import type { Db } from '../modules/context.js';
import type { WhatsAppGateway } from '../modules/messaging/index.js';
import { storeWebhooks, type RawWebhook } from '../modules/inbound/index.js';
import { linkSigner } from '../modules/broadcasts/index.js';
import { parseWebhook } from '../adapters/whatsapp/webhook-parse.js';
import { createCloudApiClient } from '../adapters/whatsapp/cloud-api-client.js';
import { apiBaseUrlProblem, createOutboundFetch, type AllowedOrigin, type OutboundFetch } from '../lib/outbound/index.js';
import { webhookUrlProblem, type HookDeps } from '../modules/hooks/index.js';
import { createIntakeSecrets } from '../adapters/whatsapp/intake-secrets.js';
import { createGroupCommitter, type GroupCommitter } from '../adapters/db/group-commit.js';
import type { WebhookIntakeDeps } from '../adapters/http/routes/webhooks.routes.js';
import { countingGateway, createMetrics, type Metrics, type PoolStats } from '../adapters/metrics/metrics.js';

/** The adapters a process wires into modules and routes. */
export interface Wiring {
  box: SecretBox;
  gateway: WhatsAppGateway;
  webhooks: WebhookIntakeDeps & { committer: GroupCommitter<RawWebhook> };
  /** Signs tracked-link tokens; every process derives the same key from the master key. */
  linkSign: (payload: string) => string;
  /** Told when a request in this process changed a connected number (other processes poll or use TTLs). */
  numbersChanged: NumbersChanged;
  /** The guard the Cloud API client fetches through (the sandbox adds its simulator to it). */
  outbound: OutboundFetch;
  /** Why a number's api_base_url may not be stored (Graph or GREENLIST_GRAPH_ALLOWED_ORIGINS only). */
  checkApiBaseUrl: (url: string) => string | undefined;
  /** This process's operator metrics (served on /metrics only when GREENLIST_METRICS_TOKEN is set). */
  metrics: Metrics;
  /** Outbound webhooks: the guard deliveries go through (public https, plus GREENLIST_WEBHOOK_ALLOWED_ORIGINS) and the endpoint URL policy. */
  hooks: HookDeps & { send: OutboundFetch };
}

/** A signal within one process: a connected number was added, changed or removed. */
export interface NumbersChanged {
  /** Resolves once every listener has caught up (so a rotation is in force when the PATCH answers). */
  notify(): Promise<void>;
  /** Adds a listener; returns its removal. */
  subscribe(fn: () => void | Promise<void>): () => void;
}

function numbersChangedSignal(): NumbersChanged {
  const listeners = new Set<() => void | Promise<void>>();
  return {
    notify: async () => {
      await Promise.all([...listeners].map((fn) => fn()));
    },
    subscribe: (fn) => {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}

/** Builds the secret box, the Cloud API client and the webhook intake (group commit). */
export function wire(db: Db, masterKey: Buffer, log: Logger, clock: { now(): Date }, opts: { graphAllowedOrigins?: AllowedOrigin[]; webhookAllowedOrigins?: AllowedOrigin[]; poolStats?: () => PoolStats } = {}): Wiring {
  const allowed = opts.graphAllowedOrigins ?? [];
  const hookOrigins = opts.webhookAllowedOrigins ?? [];
  // Its own guard and pools: receivers are any public https host, never the Cloud API's trust list.
  const hookSend = createOutboundFetch({ allowed: hookOrigins, reach: 'public', maxResponseBytes: 64 * 1024 });
  const outbound = createOutboundFetch({ allowed, reach: 'graph' });
  const box = createSecretBox(masterKey);
  // Counters cost an increment each, so they always run; the gauges are read only when scraped.
  // (The intake rate is read at scrape time, after the committer below exists.)
  const metrics = createMetrics({ db, pool: opts.poolStats ?? (() => ({ total: 1, idle: 1, waiting: 0, max: 1 })), intakeRate: () => committer.ratePerSecond() });
  const committer = createGroupCommitter<RawWebhook>({
    flush: async (items) => {
      try {
        await storeWebhooks(db, items, { parse: parseWebhook, log, now: clock.now() });
        metrics.webhooksStored(items.length);
      } catch (err) {
        log.error({ err: { message: safeErrorMessage(err) }, count: items.length }, 'could not store webhook batch; answering 5xx so Meta retries');
        throw err;
      }
    },
  });
  const secrets = createIntakeSecrets(db, box);
  const numbersChanged = numbersChangedSignal();
  numbersChanged.subscribe(secrets.invalidate);
  return {
    box,
    gateway: countingGateway(createCloudApiClient({ outbound }), metrics),
    webhooks: { secrets, committer, clock },
    linkSign: linkSigner(masterKey),
    numbersChanged,
    outbound,
    checkApiBaseUrl: (url) => apiBaseUrlProblem(url, allowed),
    metrics,
    hooks: { box, send: hookSend, checkUrl: (url) => webhookUrlProblem(url, hookOrigins) },
  };
}
