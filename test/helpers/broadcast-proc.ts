// Helpers for broadcast tests that run Greenlist as child processes (crash and multi-worker
// suites): the simulator in the test process, the API reached over HTTP, workers spawned,
// SIGKILLed and restarted, and a seeded random source so a failing run replays.
import { createServer } from 'node:net';
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { createSimulator, QUIET_KNOBS, type SentMessage, type Simulator, type TemplateSeed } from '../../src/simulator/index.js';
import { TEST_MASTER_KEY } from './app.js';
import { spawnGreenlist, type GreenlistProcess } from './process.js';

/** `GREENLIST_MASTER_KEY` for children that share the test app's database (the key the test app seals secrets with). */
export const PROC_MASTER_KEY = TEST_MASTER_KEY.toString('hex');

/** The simulated business number. */
export const PROC_NUMBER = { phoneNumberId: '7065403577', wabaId: '7022901277', accessToken: 'sim-token-proc-01', appSecret: 'proc-app-secret', verifyToken: 'proc-verify-token' };

/** A marketing template whose second variable carries a tracked link (so each message names the process that rendered it). */
export const PROC_TEMPLATE: TemplateSeed = {
  name: 'proc_offers',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, this week only: {{2}} today.', example: { body_text: [['Ada', 'https://shop.example/x']] } },
    { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
  ] as TemplateSeed['components'],
};

/** A seeded PRNG (mulberry32 over a SHA-256 of the seed): the same seed gives the same kill points. */
export function seededRandom(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** `k` distinct items of `list` picked with `rnd`. */
export function pick<T>(list: readonly T[], k: number, rnd: () => number): T[] {
  const copy = [...list];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rnd() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, k);
}

/** `k` sorted fractions in [lo, hi], at least `gap` apart. */
export function killPoints(rnd: () => number, k: number, lo: number, hi: number, gap: number): number[] {
  const span = hi - lo - gap * (k - 1);
  const raw = Array.from({ length: k }, () => rnd() * span).sort((x, y) => x - y);
  return raw.map((r, i) => lo + r + gap * i);
}

/** A free TCP port on loopback (for a child that must come back on the same port after a restart). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true; fails after `timeoutMs` with `what` and the last `detail`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, detail?: () => Promise<string> | string, everyMs = 100): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `: ${await detail()}` : ''}`);
}

/** The result of an API call. */
export interface ApiResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Calls Greenlist's public API over HTTP with a bearer key. */
export type Api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, opts?: { contentType?: string }) => Promise<ApiResult>;

/** An API client for `baseUrl` with `key`; a JSON body unless a content type is given (then `body` is sent as is). */
export function apiOf(baseUrl: string, key: string): Api {
  return async (method, path, body, opts = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key}` };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      payload = opts.contentType ? String(body) : JSON.stringify(body);
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  };
}

/** Expects `res` to have `status`, showing the body when it does not. */
export function expectStatus(res: ApiResult, status: number): ApiResult {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res;
}

/**
 * The simulator for these suites: one number at `mps`, a quiet population, status webhooks batched
 * (up to 100 events per POST, as Meta does under load) and retried quickly (a dead app gets them
 * again within about half a second of coming back). Messages get their `sent` status only;
 * `statuses: false` holds every status back (the "webhooks lost" scenario).
 */
export function procSimulator(o: { seed: string; webhookUrl: string; mps: number; statuses?: boolean }): Simulator {
  const never = 1e11;
  return createSimulator({
    seed: o.seed,
    phoneNumbers: [{ phoneNumberId: PROC_NUMBER.phoneNumberId, wabaId: PROC_NUMBER.wabaId, accessToken: PROC_NUMBER.accessToken, mps: o.mps }],
    appSecret: PROC_NUMBER.appSecret,
    verifyToken: PROC_NUMBER.verifyToken,
    webhookUrl: o.webhookUrl,
    // Real ms per simulated ms: statuses 3 ms / 15 ms after acceptance, webhook retries from 20 ms up to 0.5 s.
    timeScale: 0.01,
    knobs: {
      ...QUIET_KNOBS,
      population: { ...QUIET_KNOBS.population, readRate: 0 },
      // Only the `sent` status (it carries the callback data that settles an uncertain send): half the webhook load.
      statusDelays: { sentMs: o.statuses === false ? never : 300, deliveredMs: never, readMs: never, jitter: 0 },
      chaos: { batchRate: 1, batchMax: 100, batchWindowMs: 2_000 },
      webhooks: { retryBaseMs: 2_000, retryFactor: 2, retryMaxDelayMs: 50_000 },
    },
    templates: [PROC_TEMPLATE],
    sentLogLimit: 500_000,
  });
}

/** Broadcast policies for these suites: no quiet hours or frequency cap (they would defer sends by wall-clock time), the given uncertain-send policy. */
export function procBroadcastSettings(uncertain: { policy: 'never_resend' | 'resend_after_window'; window_seconds: number }): Record<string, unknown> {
  return { quiet_hours: null, frequency_cap: null, uncertain, auto_pause: { min_sent: 1_000_000 } };
}

/** Settings, the number (at `mps`, unlimited tier), the `offers` topic and the synced templates, all through the API. */
export async function setUpSending(api: Api, o: { simUrl: string; mps: 80 | 1000; settings: Record<string, unknown> }): Promise<{ numberId: string }> {
  expectStatus(await api('PATCH', '/api/v1/workspace', { settings: { broadcasts: o.settings } }), 200);
  const num = expectStatus(
    await api('POST', '/api/v1/phone-numbers', {
      phone_number_id: PROC_NUMBER.phoneNumberId,
      waba_id: PROC_NUMBER.wabaId,
      display_number: '+1 555 078 3877',
      access_token: PROC_NUMBER.accessToken,
      app_secret: PROC_NUMBER.appSecret,
      verify_token: PROC_NUMBER.verifyToken,
      api_base_url: o.simUrl,
      throughput_mps: o.mps,
      messaging_limit_tier: 'TIER_UNLIMITED',
    }),
    201,
  );
  expectStatus(await api('POST', '/api/v1/topics', { key: 'offers', name: 'Offers', category: 'marketing' }), 201);
  expectStatus(await api('POST', '/api/v1/templates/sync'), 200);
  return { numberId: num.body.id as string };
}

/** The i-th test phone: +234 803 xxxxxxx (Nigeria, Africa/Lagos). */
export const phoneOf = (i: number) => `+234803${String(i).padStart(7, '0')}`;

/** Imports contacts through the public CSV import, with consent to `offers` under an attestation, tagged `tag`; waits for the import. */
export async function importContacts(api: Api, phones: string[], tag: string): Promise<void> {
  const csv = ['phone,name,tags', ...phones.map((p, i) => `${p},Person ${i},${tag}`)].join('\n');
  const q = new URLSearchParams({
    mapping: JSON.stringify({ phone: 'phone', name: 'name', tags: 'tags', topics: { keys: ['offers'] } }),
    attestation: JSON.stringify({ attested_by: 'Crash Test', collected_where: 'checkout form on shop.example', collected_at: '2025-03-01', text: 'Yes, send me offers on WhatsApp. Reply STOP to stop.' }),
  });
  const started = expectStatus(await api('POST', `/api/v1/imports?${q}`, csv, { contentType: 'text/csv' }), 202);
  let last: ApiResult | undefined;
  await waitUntil(
    async () => {
      last = await api('GET', `/api/v1/imports/${started.body.id as string}`);
      return last.body?.status === 'completed' || last.body?.status === 'failed';
    },
    120_000,
    'the import',
    () => JSON.stringify(last?.body),
    200,
  );
  expect(last!.body).toMatchObject({ status: 'completed', created: phones.length, consent_granted: phones.length, error_count: 0 });
}

/** Creates and starts a broadcast of PROC_TEMPLATE to contacts tagged `tag`; the second variable is a tracked link. */
export async function startTaggedBroadcast(api: Api, tag: string): Promise<{ id: string; planned: number }> {
  const created = expectStatus(
    await api('POST', '/api/v1/broadcasts', {
      name: `Offers to ${tag}`,
      audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
      template: { name: PROC_TEMPLATE.name, language: PROC_TEMPLATE.language, variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { tracked_link: 0 } } },
      links: ['https://shop.example/offers'],
    }),
    201,
  );
  const id = created.body.id as string;
  const started = expectStatus(await api('POST', `/api/v1/broadcasts/${id}/start`), 200);
  return { id, planned: started.body.counts.planned as number };
}

/** A recipient row as the API lists it. */
export interface RecipientView {
  contact_id: string;
  phone: string | null;
  state: string;
  status: string;
  reason: string | null;
  attempts: number;
  wamid: string | null;
}

/** Every recipient of a broadcast, in send order (the API lists them by row id), optionally filtered by display state. */
export async function allRecipients(api: Api, id: string, state?: string): Promise<RecipientView[]> {
  const out: RecipientView[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ limit: '1000', ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) });
    const page = expectStatus(await api('GET', `/api/v1/broadcasts/${id}/recipients?${q}`), 200);
    out.push(...(page.body.data as RecipientView[]));
    cursor = page.body.next_cursor as string | null;
  } while (cursor);
  return out;
}

/** The simulator's accepted messages of one template, grouped by wa_id. */
export function templateSendsByWaId(sim: Simulator, templateName: string): Map<string, SentMessage[]> {
  const by = new Map<string, SentMessage[]>();
  for (const m of sim.sent()) {
    if (m.template?.name !== templateName) continue;
    const list = by.get(m.waId);
    if (list) list.push(m);
    else by.set(m.waId, [m]);
  }
  return by;
}

/** How many messages of a template the simulator accepted. */
export function templateSendCount(sim: Simulator, templateName: string): number {
  let n = 0;
  for (const m of sim.sent()) if (m.template?.name === templateName) n++;
  return n;
}

/** The host of the tracked link in a PROC_TEMPLATE message: the GREENLIST_PUBLIC_URL of the process that rendered it. */
export function rendererOf(m: SentMessage): string | null {
  const body = m.request as { template?: { components?: { type: string; parameters?: { text?: string }[] }[] } };
  const text = body.template?.components?.find((c) => c.type === 'body')?.parameters?.[1]?.text;
  if (!text) return null;
  try {
    return new URL(text).host;
  } catch {
    return null;
  }
}

/** The most messages accepted within any `windowMs` (sliding), from the simulator's acceptance times. */
export function peakRate(messages: SentMessage[], windowMs = 1_000): number {
  const at = messages.map((m) => m.acceptedAt).sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < at.length; hi++) {
    while (at[hi]! - at[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Runs `fn` over `items` with at most `n` at once. */
export async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * One Greenlist role run as a series of child processes ("incarnations"): started, SIGKILLed and
 * started again. `envOf(n)` gives incarnation n its environment (e.g. a public URL naming it).
 */
export class Incarnations {
  readonly all: GreenlistProcess[] = [];
  kills = 0;
  constructor(
    private readonly args: string[],
    private readonly envOf: (n: number) => Record<string, string>,
  ) {}

  /** The running child, if any. */
  get current(): GreenlistProcess | undefined {
    const p = this.all[this.all.length - 1];
    return p && p.child.exitCode === null && p.child.signalCode === null ? p : undefined;
  }

  /** Starts the next incarnation and waits until it logs that it is ready; resolves with its URL (if it serves HTTP). */
  async start(timeoutMs = 60_000): Promise<string> {
    const p = spawnGreenlist(this.args, this.envOf(this.all.length));
    this.all.push(p);
    return p.ready(timeoutMs);
  }

  /** SIGKILLs the running incarnation (no shutdown code runs) and waits for it to be gone. */
  async kill(): Promise<void> {
    const p = this.current;
    if (!p) return;
    p.child.kill('SIGKILL');
    await p.exited;
    this.kills++;
  }

  /** Stops the running incarnation cleanly (SIGINT) and returns its exit code. */
  async stop(): Promise<number | null> {
    const p = this.current;
    return p ? p.stop('SIGINT') : null;
  }

  /** Every incarnation's output, each under a header. */
  output(): string {
    return this.all.map((p, i) => `--- incarnation ${i} (pid ${p.child.pid}) ---\n${p.output()}`).join('\n');
  }

  /** Log lines at warn level or above (pino levels ≥ 40) from every incarnation. */
  warnings(): string[] {
    return this.output()
      .split('\n')
      .filter((l) => /"level":(4|5|6)\d/.test(l));
  }
}
