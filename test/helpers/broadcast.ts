import { expect } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/adapters/db/database.js';
import { parseWebhook } from '../../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../../src/lib/logger.js';
import { SYSTEM_ACTOR } from '../../src/modules/context.js';
import { appendConsentEvents } from '../../src/modules/consent/index.js';
import { startBroadcastDispatcher, type Dispatcher, type DispatcherDeps } from '../../src/modules/broadcasts/index.js';
import { processPendingWebhooks } from '../../src/modules/inbound/index.js';
import { syncTemplates } from '../../src/modules/templates/index.js';
import { createSimulator, QUIET_KNOBS, type DeepPartial, type SimKnobs, type Simulator, type TemplateSeed } from '../../src/simulator/index.js';
import type { Clock } from '../../src/lib/clock.js';
import { startPoller, type Poller } from '../../src/adapters/worker/poller.js';
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './app.js';

/** A marketing template with a name variable and a STOP footer. */
export const OFFERS_TEMPLATE: TemplateSeed = {
  name: 'weekly_offers',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, this week: {{2}}.', example: { body_text: [['Ada', '10% off']] } },
    { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
  ] as TemplateSeed['components'],
};

/** A utility template without variables. */
export const UPDATE_TEMPLATE: TemplateSeed = {
  name: 'service_update',
  language: 'en_US',
  category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Our opening hours change next week.' }] as TemplateSeed['components'],
};

/** Everything a broadcast test needs: the real app on loopback, the simulator, a tenant with a number, topics and synced templates. */
export interface BroadcastHarness {
  t: TestApp;
  sim: Simulator;
  tenant: Awaited<ReturnType<TestApp['tenant']>>;
  numberId: string;
  appUrl: string;
  /** Topic keys: `offers` (marketing) and `updates` (utility). */
  topics: { offers: string; updates: string };
  /** Inserts `n` contacts (+234803…, Africa/Lagos unless told) with the given consent on `offers`; returns their ids and phones in order. */
  seedContacts(n: number, opts?: { consent?: 'granted' | 'withdrawn' | 'none'; timezone?: string | null; from?: number; topic?: string; tag?: string; country?: string }): Promise<{ id: string; phone: string }[]>;
  /** Starts a dispatcher (fast housekeeping) for this app's database; its clock is the harness clock unless overridden. */
  dispatcher(overrides?: Partial<DispatcherDeps>): Dispatcher;
  /** Calls the API with the tenant's key. */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Waits until `check` returns true (polls every 50 ms) or fails after `timeoutMs`. */
  waitFor(check: () => Promise<boolean>, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

const NUMBER = { phoneNumberId: '7065403522', wabaId: '7022901293', accessToken: 'sim-token-broadcast-01' };

/** Options of the harness; all optional (defaults: QUIET_KNOBS, 80 mps, TIER_250, the wall clock, default settings). */
export interface BroadcastHarnessOptions {
  /** Serve live inbox updates (Server-Sent Events) from this app. */
  liveInbox?: boolean;
  /** Serve GET /metrics with this bearer token. */
  metricsToken?: string;
  seed?: string;
  templates?: TemplateSeed[];
  /** Throughput of the number, both at the simulator and as connected. */
  mps?: number;
  /** Messaging-limit tier the number is connected with (the API default is TIER_250). */
  tier?: 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED';
  /** Simulator knobs deep-merged over QUIET_KNOBS. */
  knobs?: DeepPartial<SimKnobs>;
  /** The business clock of the API (request ctx.now) and of dispatchers (e.g. testClock()). */
  clock?: Clock;
  /** Workspace settings applied before anything else (PATCH /api/v1/workspace). */
  settings?: Record<string, unknown>;
}

/** Knobs one level deep: `patch`'s objects are merged into `base`'s (lists and values replace). */
function mergeOver(base: DeepPartial<SimKnobs>, patch: DeepPartial<SimKnobs>): DeepPartial<SimKnobs> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] = b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(v) ? { ...b, ...v } : v;
  }
  return out as DeepPartial<SimKnobs>;
}

/** Builds the harness; the webhook processor runs in the background like a worker's. */
export async function createBroadcastHarness(opts: BroadcastHarnessOptions = {}): Promise<BroadcastHarness> {
  const clock = opts.clock ?? { now: () => new Date() };
  const t = await createTestApp({ ...(opts.clock ? { clock: opts.clock } : {}), ...(opts.liveInbox ? { liveInbox: true } : {}), ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}) });
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const tenant = await t.tenant(`bc-${Math.random().toString(36).slice(2, 8)}`);
  const sim = createSimulator({
    seed: opts.seed ?? 'broadcasts',
    phoneNumbers: [{ ...NUMBER, ...(opts.mps ? { mps: opts.mps } : {}), ...(opts.tier ? { messagingLimitTier: opts.tier } : {}) }],
    appSecret: 'bc-app-secret',
    verifyToken: 'bc-verify-token',
    webhookUrl: `${appUrl}/webhooks/whatsapp`,
    timeScale: 0.01,
    knobs: opts.knobs ? mergeOver(QUIET_KNOBS, opts.knobs) : QUIET_KNOBS,
    templates: opts.templates ?? [OFFERS_TEMPLATE, UPDATE_TEMPLATE],
  });
  const simUrl = await sim.listen(0);
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => {
    const res = await t.call(tenant.key, { method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
    return { status: res.statusCode, body: res.body ? res.json() : undefined };
  };
  const num = await call('POST', '/api/v1/phone-numbers', {
    phone_number_id: NUMBER.phoneNumberId,
    waba_id: NUMBER.wabaId,
    display_number: '+1 555 078 3881',
    access_token: NUMBER.accessToken,
    app_secret: 'bc-app-secret',
    verify_token: 'bc-verify-token',
    api_base_url: simUrl,
    ...(opts.mps ? { throughput_mps: opts.mps } : {}),
    ...(opts.tier ? { messaging_limit_tier: opts.tier } : {}),
  });
  expect(num.status, JSON.stringify(num.body)).toBe(201);
  const numberId = num.body.id as string;
  if (opts.settings) {
    const s = await call('PATCH', '/api/v1/workspace', { settings: opts.settings });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
  }
  for (const [key, category] of [['offers', 'marketing'], ['updates', 'utility']] as const) {
    const r = await call('POST', '/api/v1/topics', { key, name: key, category });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  }
  await syncTemplates(tenant.ctx, { box: t.wiring.box, gateway: t.wiring.gateway }, numberId);
  const webhooks: Poller = startPoller({ name: 'webhooks', idleMs: 20, log: silentLogger(), run: () => processPendingWebhooks({ db: t.db, parse: parseWebhook, log: silentLogger(), now: new Date() }) });
  const dispatchers: Dispatcher[] = [];
  let next = 0;
  return {
    t,
    sim,
    tenant,
    numberId,
    appUrl,
    topics: { offers: 'offers', updates: 'updates' },
    api: call,
    async seedContacts(n, o = {}) {
      const from = o.from ?? next;
      next = Math.max(next, from + n);
      const rows = await queryRows<{ id: string; phone: string }>(
        t.db,
        sql`insert into contacts (workspace_id, phone, wa_id, name, country, timezone, tags)
            select ${tenant.workspaceId}, '+234803' || lpad(i::text, 7, '0'), '234803' || lpad(i::text, 7, '0'), 'Person ' || i, ${o.country ?? 'NG'}, ${o.timezone === undefined ? 'Africa/Lagos' : o.timezone},
                   ${o.tag ? sql`array[${o.tag}]::text[]` : sql`'{}'::text[]`}
            from generate_series(${from}::int, ${from + n - 1}::int) as i
            returning id, phone`,
      );
      const consent = o.consent ?? 'granted';
      if (consent !== 'none') {
        const [topic] = await queryRows<{ id: string }>(t.db, sql`select id from topics where workspace_id = ${tenant.workspaceId} and key = ${o.topic ?? 'offers'}`);
        const events = rows.map((r) => ({ contactId: r.id, topicId: topic!.id, action: 'grant' as const, source: 'api' as const, evidence: { text: 'Yes, send me offers', ip: '203.0.113.9' }, occurredAt: new Date(Date.now() - 86_400_000), dedupeKey: null }));
        await appendConsentEvents(t.db, tenant.workspaceId, SYSTEM_ACTOR, events, new Date());
        if (consent === 'withdrawn') {
          await appendConsentEvents(t.db, tenant.workspaceId, SYSTEM_ACTOR, events.map((e) => ({ ...e, action: 'withdraw' as const, occurredAt: new Date(Date.now() - 3_600_000) })), new Date());
        }
      }
      return rows;
    },
    dispatcher(overrides = {}) {
      const d = startBroadcastDispatcher({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log: process.env.BROADCAST_DEBUG ? (pino({ level: 'debug' }) as never) : silentLogger(), clock, publicUrl: appUrl, masterKey: TEST_MASTER_KEY, houseKeepingMs: 100, ...overrides });
      dispatchers.push(d);
      return d;
    },
    async waitFor(check, timeoutMs = 20_000, what = 'condition') {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    async close() {
      for (const d of dispatchers) await d.stop();
      await webhooks.stop();
      await sim.close();
      await t.close();
    },
  };
}
