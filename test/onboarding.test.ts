// GET /api/v1/workspace/onboarding: the getting-started checklist's facts in one answer. Each fact
// is made the way a shop owner makes it (through the API), one at a time, on a fresh workspace; the
// harness's own workspace (a number, topics, templates, a broadcast) never ticks another's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNumber } from '../src/modules/numbers/index.js';
import { createBroadcastHarness, UPDATE_TEMPLATE, type BroadcastHarness } from './helpers/broadcast.js';
import { connectSimNumber, createTopics } from './helpers/factories.js';
import type { Simulator } from '../src/simulator/index.js';

type Facts = { real_number: boolean; sandbox_number: boolean; topic: boolean; active_source: boolean; completed_import: boolean; template: boolean; sent_broadcast: boolean };
const NONE: Facts = { real_number: false, sandbox_number: false, topic: false, active_source: false, completed_import: false, template: false, sent_broadcast: false };
const ATTESTATION = { attested_by: 'Ann Owner', collected_where: 'checkout on shop.example', collected_at: '2025-03-01', text: 'Send me offers on WhatsApp. Reply STOP to stop.', covers_whatsapp: true };
const CSV = 'phone,name\r\n+447400123101,Ann\r\n+447400123102,Ben\r\n';

let h: BroadcastHarness;
let fresh: Awaited<ReturnType<BroadcastHarness['t']['tenant']>>;
let freshSim: Simulator | undefined;

beforeAll(async () => {
  h = await createBroadcastHarness();
  fresh = await h.t.tenant('onboarding-fresh');
});
afterAll(async () => {
  await freshSim?.close();
  await h.close();
});

async function factsOf(key: string): Promise<Facts> {
  const res = await h.t.call(key, { method: 'GET', url: '/api/v1/workspace/onboarding' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Facts;
}

async function importCsv(key: string, dryRun: boolean): Promise<void> {
  const res = await h.t.call(key, { method: 'POST', url: '/api/v1/imports', payload: { csv: CSV, mapping: { phone: 'phone', name: 'name', topics: { keys: ['offers'] } }, attestation: ATTESTATION, dry_run: dryRun } });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().id as string;
  await h.waitFor(async () => ['completed', 'failed'].includes((await h.t.call(key, { method: 'GET', url: `/api/v1/imports/${id}` })).json().status), 20_000, 'the import');
  expect((await h.t.call(key, { method: 'GET', url: `/api/v1/imports/${id}` })).json()).toMatchObject({ status: 'completed', dry_run: dryRun });
}

describe('the getting-started checklist facts', () => {
  it("answers all false for a fresh workspace, whatever another workspace has", async () => {
    // The harness's workspace has a real number, two topics and synced templates.
    expect(await factsOf(h.tenant.key)).toMatchObject({ real_number: true, topic: true, template: true, sent_broadcast: false });
    expect(await factsOf(fresh.key)).toEqual(NONE);
  });

  it('ticks each fact once it is true of the workspace, and only that fact', async () => {
    const expected = { ...NONE };
    const expectNow = async (change: Partial<Facts>) => {
      Object.assign(expected, change);
      expect(await factsOf(fresh.key)).toEqual(expected);
    };
    // The sandbox's number, connected as `greenlist start` connects it (no API route makes one).
    await connectNumber(fresh.ctx, h.t.wiring.box, { phone_number_id: '990001', waba_id: '990002', display_number: '+15550990001', access_token: 'sandbox-token', app_secret: 'sandbox-secret', verify_token: 'sandbox-verify', api_base_url: 'http://127.0.0.1:1' }, { isSandbox: true });
    await expectNow({ sandbox_number: true });
    const real = await connectSimNumber(h.t, fresh.key, {
      seed: 'onboarding',
      number: { phoneNumberId: '7065400001', wabaId: '7022900001', accessToken: 'sim-token-onboarding' },
      displayNumber: '+1 555 040 0001',
      appSecret: 'onb-app-secret',
      verifyToken: 'onb-verify-token',
      webhookUrl: `${h.appUrl}/webhooks/whatsapp`,
      templates: [UPDATE_TEMPLATE],
    });
    freshSim = real.sim;
    await expectNow({ real_number: true });
    await createTopics(h.t, fresh.key, [{ key: 'offers', name: 'Offers', category: 'marketing' }]);
    await expectNow({ topic: true });

    // A form is a draft until published: only an active source ticks.
    const draft = await h.t.call(fresh.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'form', name: 'Draft', keyword: 'draft form', slug: 'onboarding-draft', consent_text: 'Yes' } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json().status).toBe('draft');
    await expectNow({});
    const live = await h.t.call(fresh.key, { method: 'POST', url: '/api/v1/optin-sources', payload: { kind: 'event', name: 'Fair', keyword: 'fair', topics: ['offers'], consent_text: 'Yes' } });
    expect(live.statusCode, live.body).toBe(201);
    expect(live.json().status).toBe('active');
    await expectNow({ active_source: true });

    // A dry run writes nothing: only a completed real import ticks.
    await importCsv(fresh.key, true);
    await expectNow({});
    await importCsv(fresh.key, false);
    await expectNow({ completed_import: true });

    const sync = await h.t.call(fresh.key, { method: 'POST', url: '/api/v1/templates/sync', payload: { number_id: real.numberId } });
    expect(sync.statusCode, sync.body).toBe(200);
    await expectNow({ template: true });
  });

  it('ticks a broadcast once it started sending (not a draft or a scheduled one), in its own workspace only', async () => {
    await h.seedContacts(2, { tag: 'onb' });
    const body = (name: string, extra: Record<string, unknown> = {}) => ({
      name,
      audience: { rules: { field: 'tags', op: 'contains', value: 'onb' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'two for one' } } },
      ...extra,
    });
    const later = await h.api('POST', '/api/v1/broadcasts', body('later', { schedule: { type: 'at', at: new Date(Date.now() + 86_400_000).toISOString() } }));
    expect(later.status, JSON.stringify(later.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/broadcasts/${later.body.id}/start`)).body.status).toBe('scheduled');
    const now = await h.api('POST', '/api/v1/broadcasts', body('now'));
    expect(now.status, JSON.stringify(now.body)).toBe(201);
    expect((await factsOf(h.tenant.key)).sent_broadcast).toBe(false);
    expect((await h.api('POST', `/api/v1/broadcasts/${now.body.id}/start`)).body.status).toBe('sending');
    expect((await factsOf(h.tenant.key)).sent_broadcast).toBe(true);
    expect((await factsOf(fresh.key)).sent_broadcast).toBe(false);
  });

  it('is read by every role, and by nobody signed out', async () => {
    for (const role of ['admin', 'marketer', 'agent', 'viewer'] as const) {
      const key = await h.api('POST', '/api/v1/api-keys', { name: `onboarding ${role}`, role });
      expect(key.status, JSON.stringify(key.body)).toBe(201);
      expect(await factsOf(key.body.key as string), role).toEqual(await factsOf(h.tenant.key));
    }
    expect((await h.t.call(undefined, { method: 'GET', url: '/api/v1/workspace/onboarding' })).statusCode).toBe(401);
  });
});
