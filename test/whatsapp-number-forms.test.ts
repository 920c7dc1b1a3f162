// One WhatsApp user, two number forms (docs/whatsapp-cloud-api.md §7.1): Brazil with and without
// the mobile 9th digit, Mexico 52/521, Argentina 54/549. A STOP from either form must withdraw and
// suppress the one contact, and the next broadcast must skip it (issue 12, item 1). The simulator
// answers with the WhatsApp form, as Meta does: `+5511944445551` sends arrive as wa_id `551144445551`.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { SYSTEM_ACTOR } from '../src/modules/context.js';
import { appendConsentEvents, hashExactPhoneWith, suppressionKeyFor } from '../src/modules/consent/index.js';
import { mergeEquivalentContacts } from '../src/modules/privacy/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'number-forms', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

const EVIDENCE = { text: 'Yes to offers on WhatsApp. Reply STOP to end.', ip: '198.51.100.7', user_agent: 'test' };
const ATTESTATION = { attested_by: 'Ann Owner', collected_where: 'checkout form', collected_at: '2025-03-01', text: 'Yes, send me offers on WhatsApp. Reply STOP to stop.' };

/** Per country: the number as a business writes it, the form WhatsApp reports for it, and a local STOP word. */
function forms(country: 'BR' | 'MX' | 'AR', n: number): { written: string; whatsapp: string; stop: string } {
  const d = String(n).padStart(2, '0');
  if (country === 'BR') return { written: `+55119444455${d}`, whatsapp: `+5511444455${d}`, stop: 'PARAR' };
  if (country === 'MX') return { written: `+52551234${d}78`, whatsapp: `+521551234${d}78`, stop: 'BAJA' };
  return { written: `+54111234${d}78`, whatsapp: `+549111234${d}78`, stop: 'BAJA' };
}

const digits = (p: string) => p.slice(1);

async function contactsOf(f: { written: string; whatsapp: string }): Promise<{ id: string; phone: string; wa_id: string | null; tags: string[] }[]> {
  return queryRows(
    h.t.db,
    sql`select id, phone, wa_id, tags from contacts where workspace_id = ${h.tenant.workspaceId}
        and (phone in (${f.written}, ${f.whatsapp}) or wa_id in (${digits(f.written)}, ${digits(f.whatsapp)}))`,
  );
}

async function consentOf(id: string): Promise<{ offers: string | undefined; suppressed: boolean }> {
  const res = await h.api('GET', `/api/v1/contacts/${id}/consent`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const v = res.body as { state: { topic: string; status: string }[]; suppressed: boolean };
  return { offers: v.state.find((s) => s.topic === 'offers')?.status, suppressed: v.suppressed };
}

async function createSubscriber(phone: string, tag: string): Promise<string> {
  const c = await h.api('POST', '/api/v1/contacts', { phone, tags: [tag] });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const g = await h.api('POST', `/api/v1/contacts/${c.body.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE });
  expect(g.status, JSON.stringify(g.body)).toBe(201);
  return c.body.id as string;
}

/** The person writes from their phone; the simulator reports them under their WhatsApp id. */
async function personWrites(phone: string, text: string): Promise<void> {
  h.sim.inbound({ from: phone, text });
  await h.sim.webhooksIdle();
}

async function importCsv(csv: string, mapping: object, attestation?: object): Promise<Record<string, unknown>> {
  const q = new URLSearchParams({ mapping: JSON.stringify(mapping), ...(attestation ? { attestation: JSON.stringify(attestation) } : {}) });
  const res = await h.t.call(h.tenant.key, { method: 'POST', url: `/api/v1/imports?${q}`, headers: { 'content-type': 'text/csv' }, payload: csv });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json().id as string;
  for (let i = 0; i < 400; i++) {
    const body = (await h.api('GET', `/api/v1/imports/${id}`)).body;
    if (body.status === 'completed' || body.status === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`import ${id} did not finish`);
}

/** Sends a marketing broadcast to `tag` (with one ordinary subscriber so it has someone to reach) and waits for it. */
async function broadcastTo(tag: string): Promise<{ estimate: Record<string, number> }> {
  await h.seedContacts(1, { tag });
  const draft = await h.api('POST', '/api/v1/broadcasts', {
    name: `forms ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'half price' } } },
  });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  const id = draft.body.id as string;
  const estimate = (await h.api('POST', `/api/v1/broadcasts/${id}/estimate`)).body as Record<string, number>;
  const started = await h.api('POST', `/api/v1/broadcasts/${id}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const d = h.dispatcher();
  await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 30_000, `broadcast ${tag}`);
  await d.stop();
  return { estimate };
}

const templatesTo = (phone: string) => h.sim.sent(phone).filter((m) => m.template?.name === 'weekly_offers');

describe('one WhatsApp user under two number forms (BR 9th digit, MX 521, AR 549)', () => {
  it.each(['BR', 'MX', 'AR'] as const)('%s: created by E.164, STOP from the WhatsApp form → that contact is withdrawn and suppressed; the next broadcast skips it', async (country) => {
    const f = forms(country, 1);
    const tag = `stop-after-${country}`;
    const id = await createSubscriber(f.written, tag);
    await personWrites(f.written, f.stop);
    const all = await contactsOf(f);
    expect(all.map((c) => c.id)).toEqual([id]);
    expect(all[0]).toMatchObject({ phone: f.written, wa_id: digits(f.whatsapp) });
    expect(await consentOf(id)).toEqual({ offers: 'withdrawn', suppressed: true });
    const { estimate } = await broadcastTo(tag);
    expect(estimate).toMatchObject({ matched: 2, consent_withdrawn: 1, sendable: 1 });
    expect(templatesTo(f.written)).toHaveLength(0);
  });

  it.each(['BR', 'MX', 'AR'] as const)('%s: the reverse order: STOP from the WhatsApp form first, then the business adds the E.164 number → the same contact, still opted out', async (country) => {
    const f = forms(country, 2);
    const tag = `stop-before-${country}`;
    await personWrites(f.written, f.stop);
    const [first] = await contactsOf(f);
    expect(first).toMatchObject({ wa_id: digits(f.whatsapp) });
    // The API refuses a second contact for the same person, naming the one that exists.
    const dup = await h.api('POST', '/api/v1/contacts', { phone: f.written });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'CONTACT_PHONE_TAKEN', details: { contact_id: first!.id } });
    // An import with consent lands on that contact and cannot re-subscribe the person.
    const imp = await importCsv(`phone,tags\n${f.written},${tag}\n`, { phone: 'phone', tags: 'tags', topics: { keys: ['offers'] } }, ATTESTATION);
    expect(imp).toMatchObject({ status: 'completed', created: 0, consent_granted: 0 });
    const all = await contactsOf(f);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id: first!.id, tags: [tag] });
    expect(await consentOf(first!.id)).toEqual({ offers: 'withdrawn', suppressed: true });
    await broadcastTo(tag);
    expect(templatesTo(f.written)).toHaveLength(0);
  });

  it.each(['BR', 'MX', 'AR'] as const)('%s: an import of the other form updates the existing contact instead of creating a second one', async (country) => {
    const f = forms(country, 3);
    const id = await createSubscriber(f.written, `import-${country}`);
    const imp = await importCsv(`phone,name,tags\n${f.whatsapp},Ana Souza,vip-${country}\n`, { phone: 'phone', name: 'name', tags: 'tags' });
    expect(imp).toMatchObject({ status: 'completed', created: 0, updated: 1 });
    const all = await contactsOf(f);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ id, phone: f.written });
    expect(all[0]!.tags.sort()).toEqual([`import-${country}`, `vip-${country}`]);
    // Two forms of one number inside one file are one row, too.
    const g = forms(country, 4);
    const both = await importCsv(`phone\n${g.written}\n${g.whatsapp}\n`, { phone: 'phone' });
    expect(both).toMatchObject({ status: 'completed', created: 1 });
    expect(await contactsOf(g)).toHaveLength(1);
  });

  it('binds the wa_id the send response returns, so the reply finds the contact by its WhatsApp id', async () => {
    const f = forms('BR', 5);
    const tag = 'bind-BR';
    const id = await createSubscriber(f.written, tag);
    await broadcastTo(tag);
    expect(templatesTo(f.written)).toHaveLength(1);
    const [row] = await queryRows<{ wa_id: string | null }>(h.t.db, sql`select wa_id from contacts where id = ${id}`);
    expect(row!.wa_id).toBe(digits(f.whatsapp));
  });

  it('merges contacts that are already duplicates, keeping both ledgers, and carries a suppression stored under the legacy form', async () => {
    const f = forms('BR', 6);
    const tag = 'merge-BR';
    const keep = await createSubscriber(f.written, tag);
    // The duplicate as the old code made it: created from the STOP's wa_id, withdrawn, suppressed under that exact form.
    const [dup] = await queryRows<{ id: string }>(
      h.t.db,
      sql`insert into contacts (workspace_id, phone, wa_id, created_at, updated_at) values (${h.tenant.workspaceId}, ${f.whatsapp}, ${digits(f.whatsapp)}, now(), now()) returning id`,
    );
    await appendConsentEvents(h.t.db, h.tenant.workspaceId, SYSTEM_ACTOR, [{ contactId: dup!.id, topicId: null, action: 'withdraw', source: 'stop_keyword', evidence: { text: 'PARAR' }, occurredAt: new Date(), dedupeKey: `legacy-stop-${f.whatsapp}` }], new Date());
    const key = await suppressionKeyFor(h.t.db, h.tenant.workspaceId);
    await h.t.db.execute(sql`insert into suppressions (workspace_id, phone_hash, reason, source) values (${h.tenant.workspaceId}, ${hashExactPhoneWith(key, f.whatsapp)}, 'opted_out', 'stop_keyword')`);
    expect(await consentOf(keep)).toEqual({ offers: 'granted', suppressed: false });
    // A lone contact under a legacy form whose STOP was hashed as written (before hashes were canonical).
    const lone = forms('AR', 8);
    const loneId = await createSubscriber(lone.written, 'lone-AR');
    await h.t.db.execute(sql`insert into suppressions (workspace_id, phone_hash, reason, source) values (${h.tenant.workspaceId}, ${hashExactPhoneWith(key, lone.written)}, 'opted_out', 'stop_keyword')`);
    expect(await consentOf(loneId)).toMatchObject({ suppressed: false });

    const res = await h.t.db.transaction((tx) => mergeEquivalentContacts(tx, h.tenant.workspaceId, new Date(), silentLogger()));
    expect(res.merged).toBeGreaterThanOrEqual(1);
    expect(res.suppressionsCarried).toBeGreaterThanOrEqual(2);
    expect(await consentOf(loneId)).toMatchObject({ suppressed: true });
    // Once per workspace: the next run finds nothing left to carry.
    expect(await h.t.db.transaction((tx) => mergeEquivalentContacts(tx, h.tenant.workspaceId, new Date(), silentLogger()))).toEqual({ merged: 0, suppressionsCarried: 0 });
    const all = await contactsOf(f);
    expect(all.map((c) => c.id)).toEqual([keep]);
    expect(all[0]).toMatchObject({ phone: f.written, wa_id: digits(f.whatsapp) });
    const ledger = await queryRows<{ action: string; source: string }>(h.t.db, sql`select action, source from consent_events where contact_id = ${keep} order by id`);
    expect(ledger).toEqual([
      { action: 'grant', source: 'api' },
      { action: 'withdraw', source: 'stop_keyword' },
    ]);
    expect(await consentOf(keep)).toEqual({ offers: 'withdrawn', suppressed: true });
    const [audit] = await queryRows<{ n: number }>(h.t.db, sql`select count(*)::int as n from audit_log where workspace_id = ${h.tenant.workspaceId} and action = 'contact.merged' and target_id = ${keep}`);
    expect(audit!.n).toBe(1);
    await broadcastTo(tag);
    expect(templatesTo(f.written)).toHaveLength(0);
  });

  it('a STOP that finds two contacts for one person merges them on the spot and withdraws both histories', async () => {
    const f = forms('MX', 7);
    const tag = 'spot-MX';
    const a = await createSubscriber(f.written, tag);
    // A second contact under the WhatsApp form, also subscribed (made before equivalences were known).
    const [b] = await queryRows<{ id: string }>(
      h.t.db,
      sql`insert into contacts (workspace_id, phone, wa_id, tags, created_at, updated_at) values (${h.tenant.workspaceId}, ${f.whatsapp}, ${digits(f.whatsapp)}, array[${tag}]::text[], now(), now()) returning id`,
    );
    const g = await h.api('POST', `/api/v1/contacts/${b!.id}/consent`, { topic: 'offers', action: 'grant', source: 'api', evidence: EVIDENCE });
    expect(g.status).toBe(201);
    await personWrites(f.written, f.stop);
    const all = await contactsOf(f);
    expect(all.map((c) => c.id)).toEqual([a]);
    const ledger = await queryRows<{ action: string }>(h.t.db, sql`select action from consent_events where contact_id = ${a} order by id`);
    expect(ledger.map((e) => e.action)).toEqual(['grant', 'grant', 'withdraw']);
    expect(await consentOf(a)).toEqual({ offers: 'withdrawn', suppressed: true });
    await broadcastTo(tag);
    expect(templatesTo(f.written)).toHaveLength(0);
  });
});
