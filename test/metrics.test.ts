// Operator metrics (GET /metrics, Prometheus text): off unless GREENLIST_METRICS_TOKEN is set,
// token-protected, counters moved by a real send through the simulator and its status webhooks,
// gauges read at scrape time, and no secret or person's number in the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { countingGateway, createMetrics } from '../src/adapters/metrics/metrics.js';
import { startMetricsListener } from '../src/adapters/metrics/metrics-listener.js';
import { metaErrorToAppError } from '../src/adapters/whatsapp/error-codes.js';
import { loadConfig } from '../src/config/index.js';
import type { WhatsAppGateway } from '../src/modules/messaging/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { createTestDatabase, onPostgres } from './helpers/db.js';
import { spawnGreenlist } from './helpers/process.js';
import { createBroadcastHarness, OFFERS_TEMPLATE, UPDATE_TEMPLATE, type BroadcastHarness } from './helpers/broadcast.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const EVIDENCE = { text: 'Yes, send me updates on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };

/** Prometheus text: every non-comment line is `name{labels} value` (NaN and Inf in any case, as Go's ParseFloat reads them); returns name+labels → value. */
function parseProm(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|nan|[+-]?inf)$/i.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

describe('GET /metrics when off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('does not exist without GREENLIST_METRICS_TOKEN', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(404);
  });

  it('reads the token from the environment, refusing a short one', () => {
    expect(loadConfig({ GREENLIST_METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(() => loadConfig({ GREENLIST_METRICS_TOKEN: 'short' })).toThrow(/GREENLIST_METRICS_TOKEN: must be at least 16 characters/);
  });
});

describe('GET /metrics when on', () => {
  let h: BroadcastHarness;
  const scrape = async (authorization?: string) => h.t.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
  const figures = async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    return { text: res.body, values: parseProm(res.body), contentType: res.headers['content-type'] };
  };

  beforeAll(async () => {
    h = await createBroadcastHarness({ seed: 'metrics', metricsToken: TOKEN, templates: [OFFERS_TEMPLATE, UPDATE_TEMPLATE] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).statusCode).toBe(401);
    expect((await scrape('Bearer ')).statusCode).toBe(401);
    // An API key of the workspace is not the metrics token.
    expect((await scrape(`Bearer ${h.tenant.key}`)).statusCode).toBe(401);
    expect((await scrape(`Bearer ${h.tenant.key}`)).json().error.code).toBe('AUTH_INVALID');
  });

  it('serves Prometheus text with every metric family', async () => {
    const { text, contentType } = await figures();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'greenlist_webhooks_stored_total',
      'greenlist_webhook_intake_per_second',
      'greenlist_webhooks_pending',
      'greenlist_webhook_oldest_pending_seconds',
      'greenlist_sends_total',
      'greenlist_outbox_queued',
      'greenlist_broadcast_recipients_queued',
      'greenlist_automation_runs_waiting',
      'greenlist_automation_runs_due',
      'greenlist_imports_running',
      'greenlist_import_rows_processed',
      'greenlist_db_pool_connections',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const { values } = await figures();
    expect(values.get('greenlist_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts a send through the simulator by number and result, and the status webhooks it brings', async () => {
    const before = (await figures()).values;
    const r = await h.api('POST', '/api/v1/contacts', { phone: '+14155571234', timezone: 'Europe/London' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const g = await h.api('POST', `/api/v1/contacts/${r.body.id}/consent`, { topic: 'updates', action: 'grant', source: 'api', evidence: EVIDENCE });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    const sent = await h.api('POST', '/api/v1/messages', { contact_id: r.body.id, template: { name: 'service_update', language: 'en_US' }, topic: 'updates' });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await h.waitFor(async () => (await h.api('GET', `/api/v1/messages/${sent.body.id}`)).body.status === 'read', 10_000, 'read status');
    const after = (await figures()).values;
    const key = 'greenlist_sends_total{phone_number_id="7065403522",result="accepted"}';
    expect(after.get(key)).toBe((before.get(key) ?? 0) + 1);
    // sent, delivered, read: three status webhooks stored by this process.
    expect(after.get('greenlist_webhooks_stored_total')! - (before.get('greenlist_webhooks_stored_total') ?? 0)).toBeGreaterThanOrEqual(3);
  });

  it('reads queue depths and the processing lag at scrape time', async () => {
    // Two pending bodies, the older two minutes old, leased (so the harness's processor leaves them
    // alone); an import running with 40 rows read so far.
    await h.t.db.execute(sql`insert into webhook_events (raw, status, received_at, locked_until) values
      ('{}', 'pending', now() - interval '2 minutes', now() + interval '1 hour'), ('{}', 'pending', now(), now() + interval '1 hour')`);
    await h.t.db.execute(sql`insert into imports (workspace_id, status, rows_total) values (${h.tenant.workspaceId}, 'running', 40)`);
    const { values } = await figures();
    expect(values.get('greenlist_webhooks_pending')).toBe(2);
    expect(values.get('greenlist_webhook_oldest_pending_seconds')).toBeGreaterThanOrEqual(120);
    expect(values.get('greenlist_imports_running')).toBe(1);
    expect(values.get('greenlist_import_rows_processed')).toBe(40);
    expect(values.get('greenlist_outbox_queued')).toBe(0);
    expect(values.get('greenlist_broadcast_recipients_queued')).toBe(0);
    expect(values.get('greenlist_automation_runs_waiting')).toBe(0);
    await h.t.db.execute(sql`delete from webhook_events where raw = '{}'`);
    await h.t.db.execute(sql`update imports set status = 'failed' where workspace_id = ${h.tenant.workspaceId}`);
  });

  it('counts a failed send under Meta’s error code; process metrics carry the greenlist_ prefix', async () => {
    const metrics = createMetrics({ db: h.t.db, pool: () => ({ total: 1, idle: 1, waiting: 0, max: 1 }), intakeRate: () => 0 });
    const failing = { sendMessage: () => Promise.reject(metaErrorToAppError(131049, 400)) } as unknown as WhatsAppGateway;
    const gateway = countingGateway(failing, metrics);
    const creds = { phoneNumberId: '111222333', wabaId: '1', accessToken: 'EAAG-secret-token', apiBaseUrl: 'http://127.0.0.1:1', apiVersion: 'v23.0' };
    await expect(gateway.sendMessage(creds, { to: '+14155550000', message: { type: 'text', text: 'hi' }, callbackData: 'x' })).rejects.toThrow();
    metrics.enableProcessMetrics();
    metrics.enableProcessMetrics();
    const { body } = await metrics.scrape();
    const values = parseProm(body);
    expect(values.get('greenlist_sends_total{phone_number_id="111222333",result="131049"}')).toBe(1);
    expect(body).toContain('# TYPE greenlist_process_cpu_user_seconds_total counter');
    expect(body).toContain('greenlist_nodejs_eventloop_lag_seconds');
    expect(body).not.toContain('EAAG-secret-token');
    expect(body).not.toContain('14155550000');
  });

  it('never shows a secret, an API key or a person’s number', async () => {
    const { text } = await figures();
    for (const secret of ['sim-token-broadcast-01', 'bc-app-secret', 'bc-verify-token', h.tenant.key, TOKEN, '+14155571234', '14155571234']) {
      expect(text).not.toContain(secret);
    }
    // Default process metrics are only added by the entrypoint (enableProcessMetrics), once.
    expect(text).not.toContain('greenlist_process_cpu');
  });

  it("serves a worker's metrics on its own listener, with the same token rule", async () => {
    const metrics = createMetrics({ db: h.t.db, pool: () => ({ total: 2, idle: 1, waiting: 0, max: 10 }), intakeRate: () => 0 });
    const listener = await startMetricsListener(metrics, TOKEN, '127.0.0.1', 0);
    try {
      expect((await fetch(listener.url)).status).toBe(401);
      expect((await fetch(listener.url, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
      expect((await fetch(listener.url.replace('/metrics', '/other'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
      const ok = await fetch(listener.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      const values = parseProm(await ok.text());
      expect(values.get('greenlist_db_pool_connections{state="total"}')).toBe(2);
      expect(values.get('greenlist_db_pool_connections{state="max"}')).toBe(10);
    } finally {
      await listener.close();
    }
  });
});

describe.skipIf(!onPostgres)('greenlist api and greenlist worker as processes', { timeout: 120_000 }, () => {
  it('each serves its own /metrics: the api on its port, the worker on GREENLIST_METRICS_PORT', async () => {
    const tdb = await createTestDatabase();
    const env = { DATABASE_URL: tdb.url!, GREENLIST_MASTER_KEY: 'cd'.repeat(32), GREENLIST_PORT: '0', GREENLIST_METRICS_TOKEN: TOKEN, GREENLIST_METRICS_PORT: '0' };
    const api = spawnGreenlist(['api'], env);
    const worker = spawnGreenlist(['worker'], env);
    try {
      const [apiUrl] = await Promise.all([api.ready(), worker.ready()]);
      const ready = JSON.parse(worker.output().split('\n').find((l) => l.includes('"msg":"Greenlist worker ready"'))!) as { metrics: string };
      expect(ready.metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      for (const url of [`${apiUrl}/metrics`, ready.metrics]) {
        expect((await fetch(url)).status).toBe(401);
        const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        const values = parseProm(await res.text());
        expect(values.get('greenlist_db_pool_connections{state="max"}')).toBe(10);
        expect([...values.keys()].some((k) => k.startsWith('greenlist_process_cpu_user_seconds_total'))).toBe(true);
        expect(values.get('greenlist_webhooks_pending')).toBe(0);
      }
      expect(await api.stop('SIGTERM')).toBe(0);
      expect(await worker.stop('SIGTERM')).toBe(0);
    } finally {
      await api.stop('SIGKILL').catch(() => undefined);
      await worker.stop('SIGKILL').catch(() => undefined);
      await tdb.close();
    }
  });
});
