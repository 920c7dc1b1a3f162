// The WhatsApp Cloud API simulator: its own Fastify server and state, sharing nothing with the app.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { emitTemplateStatus, emitTemplateQuality, setUserPreference } from './account-events.js';
import { createSystemClock, type SimClock } from './clock.js';
import { DEFAULT_NUMBER, defaultKnobs, mergeKnobs, resolveNumber } from './config.js';
import { configPatchSchema, type ConfigPatch } from './config-schema.js';
import { applyConfigPatch } from './configure.js';
import { createContext } from './context.js';
import { parseBody, targetNumber, waIdOf } from './control-routes.js';
import { activateFaults } from './faults.js';
import { verifyWebhookEndpoint, type HandshakeResult } from './handshake.js';
import { deliverInbound, inboundSchema, type InboundInput, type InboundResult } from './inbound.js';
import type { HungResponses } from './messages-route.js';
import { userProfile, type UserProfile } from './population.js';
import { buildServer } from './server.js';
import { HELLO_WORLD, type TemplateRecord, type TemplateSeed } from './templates.js';
import type { DeepPartial, DeliveryRecord, PhoneNumberConfig, SentMessage, SimKnobs } from './types.js';

export { createManualClock, createSystemClock, type ManualClock, type SimClock } from './clock.js';
export { defaultKnobs, QUIET_KNOBS, DEFAULT_NUMBER, TIER_LIMITS } from './config.js';
export { verifyWebhookEndpoint, type HandshakeResult } from './handshake.js';
export { toMetaJson, signSha256 } from './wire.js';
export type { ConfigPatch } from './config-schema.js';
export type { InboundInput, InboundResult } from './inbound.js';
export type { UserProfile } from './population.js';
export type { TemplateRecord, TemplateSeed } from './templates.js';
export type * from './types.js';

/** Options of `createSimulator`. */
export interface SimulatorOptions {
  /** Seeds the population, behaviour dice and ids (default "greenlist"). */
  seed?: string | number;
  /** Business numbers; missing fields come from DEFAULT_NUMBER (default: one sandbox number). */
  phoneNumbers?: (Partial<PhoneNumberConfig> & { phoneNumberId: string })[];
  /** Key of `X-Hub-Signature-256` (default "sim-app-secret"). */
  appSecret?: string;
  /** `hub.verify_token` of the GET handshake (default "sim-verify-token"). */
  verifyToken?: string;
  /** The app under test's webhook URL; events are logged but not POSTed without one. */
  webhookUrl?: string;
  /** Real ms per simulated ms for delays (statuses, replies, retries, reviews); ignored with `clock`. */
  timeScale?: number;
  /** Injected clock (e.g. `createManualClock()` for deterministic tests). */
  clock?: SimClock;
  /** Behaviour knobs (deep-merged over `defaultKnobs()`). */
  knobs?: DeepPartial<SimKnobs>;
  /** Extra templates to preload (APPROVED unless stated), besides `hello_world`. */
  templates?: TemplateSeed[];
  logger?: Logger;
  /** Newest sent messages kept for inspection (default 200,000). */
  sentLogLimit?: number;
  /** Newest webhook deliveries kept in the log (default 20,000). */
  deliveryLogLimit?: number;
}

/** A running (or ready-to-listen) simulator. */
export interface Simulator {
  /** The Fastify app, built apart from listen (use `app.inject()` in tests). */
  app: FastifyInstance;
  clock: SimClock;
  /** Starts listening; resolves to the base URL, e.g. "http://127.0.0.1:8081". */
  listen(port?: number, host?: string): Promise<string>;
  /** Base URL once listening. */
  readonly url: string | undefined;
  /** Stops timers, webhook deliveries and the server. */
  close(): Promise<void>;
  /** Applies a configuration patch (same shape as `POST /_sim/config`, camelCase keys). */
  configure(patch: ConfigPatch): void;
  /** Current behaviour knobs. */
  knobs(): SimKnobs;
  /** A user sends the business a message (same as `POST /_sim/inbound`). */
  inbound(input: InboundInput): InboundResult;
  /** A user stops or resumes marketing messages (emits `user_preferences`). */
  userPreference(waId: string, value: 'stop' | 'resume', phoneNumberId?: string): void;
  /** Preloads a template into a WABA (the first number's by default). */
  addTemplate(seed: TemplateSeed): TemplateRecord;
  /** Sets a template's status and emits `message_template_status_update`. */
  templateStatus(templateId: string, event: string, reason?: string): void;
  /** Messages the business sent, oldest first (optionally to one recipient). */
  sent(to?: string): SentMessage[];
  /** The webhook delivery log. */
  webhookLog(): DeliveryRecord[];
  /** Resolves when no webhook is queued, in flight or waiting to be batched. */
  webhooksIdle(): Promise<void>;
  /** Runs the GET verification handshake against the webhook URL. */
  verifyWebhook(url?: string): Promise<HandshakeResult>;
  /** The virtual user behind a wa_id. */
  profile(waId: string): UserProfile;
}

/** Builds a Cloud API simulator. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const seed = String(options.seed ?? 'greenlist');
  const clock = options.clock ?? createSystemClock({ timeScale: options.timeScale ?? 1 });
  const knobs = mergeKnobs(defaultKnobs(), options.knobs);
  knobs.faults = activateFaults(knobs.faults, clock.now());
  const numbers = (options.phoneNumbers?.length ? options.phoneNumbers : [{ phoneNumberId: DEFAULT_NUMBER.phoneNumberId }]).map(resolveNumber);
  const ctx = createContext({
    seed,
    clock,
    knobs,
    settings: { appSecret: options.appSecret ?? 'sim-app-secret', verifyToken: options.verifyToken ?? 'sim-verify-token', ...(options.webhookUrl ? { webhookUrl: options.webhookUrl } : {}) },
    numbers,
    sentLogLimit: options.sentLogLimit ?? 200_000,
    deliveryLogLimit: options.deliveryLogLimit ?? 20_000,
    templateHooks: (c) => ({ onStatus: (t, event, reason, extra) => emitTemplateStatus(c, t, event, reason, extra), onQuality: (t, previous) => emitTemplateQuality(c, t, previous) }),
  });
  const wabas = [...new Set(numbers.map((n) => n.wabaId))];
  for (const wabaId of wabas) for (const t of [HELLO_WORLD, ...(options.templates ?? [])]) if (!t.wabaId || t.wabaId === wabaId) ctx.templates.seed(t, wabaId);
  const hung: HungResponses = new Set();
  const app = buildServer(ctx, hung, options.logger);
  let url: string | undefined;

  return {
    app,
    clock,
    get url() {
      return url;
    },
    async listen(port = 0, host = '127.0.0.1') {
      // Meta's front doors do not refuse connections: a deep accept queue keeps a CPU stall of this
      // one process from turning into dropped SYNs (retried after 1, 3, 7 s) on the client side.
      url = await app.listen({ port, host, backlog: 4096 });
      return url;
    },
    async close() {
      ctx.cancelAll();
      ctx.webhooks.close();
      for (const res of hung) res.destroy();
      hung.clear();
      await app.close();
    },
    configure: (patch) => applyConfigPatch(ctx, parseBody(configPatchSchema, patch)),
    knobs: () => ctx.knobs,
    inbound: (input) => {
      const parsed = parseBody(inboundSchema, input);
      return deliverInbound(ctx, targetNumber(ctx, parsed.phone_number_id), parsed);
    },
    userPreference: (waId, value, phoneNumberId) => setUserPreference(ctx, targetNumber(ctx, phoneNumberId), waIdOf(ctx, waId), value),
    addTemplate: (t) => ctx.templates.seed(t, t.wabaId ?? targetNumber(ctx).config.wabaId),
    templateStatus(templateId, event, reason) {
      const t = ctx.templates.get(templateId);
      if (!t) throw new Error(`no template ${templateId}`);
      ctx.templates.setStatus(t, event as TemplateRecord['status'], reason ?? 'NONE');
    },
    sent: (to) => ctx.sent.list(to ? { waId: waIdOf(ctx, to) } : {}),
    webhookLog: () => ctx.webhooks.log(),
    webhooksIdle: () => ctx.webhooks.idle(),
    verifyWebhook: (target) => {
      const u = target ?? ctx.settings.webhookUrl;
      if (!u) return Promise.resolve({ ok: false, challenge: '', error: 'no webhook URL configured' });
      return verifyWebhookEndpoint(u, ctx.settings.verifyToken, String(ctx.rng.int(1_000_000_000, 2_147_483_647)));
    },
    profile: (waId) => userProfile(seed, waIdOf(ctx, waId), ctx.knobs.population),
  };
}
