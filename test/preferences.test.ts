// The preference centre (issue 16) end to end: the PREFERENCES/MENU keyword answered with an
// interactive list through the real Cloud API adapter and the simulator, list replies recorded as
// ledger events with the wamid as evidence, the next broadcast skipping a paused person with
// `paused_by_contact`, a low frequency halving the cap, an automation's marketing send skipping a
// paused person, the API, settings validation, and the signed, expiring page link.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { silentLogger } from '../src/lib/logger.js';
import { runDueAutomations } from '../src/modules/automations/index.js';
import { replayWebhooks } from '../src/modules/inbound/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { preferenceToken } from '../src/modules/preferences/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
const log = silentLogger();
beforeAll(async () => {
  // The real clock: quiet hours off, the default cap (2 marketing messages per 7 days).
  h = await createBroadcastHarness({ seed: 'preferences', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null } } });
  h.dispatcher();
});
afterAll(async () => {
  await h?.close();
});

type Ev = { action: string; source: string; topic_id: string | null; evidence: Record<string, unknown> };
const ledger = (contactId: string) => queryRows<Ev>(h.t.db, sql`select action, source, topic_id, evidence from consent_events where contact_id = ${contactId} order by id`);
const sendOutbox = async () => {
  while ((await sendQueuedAutomated({ db: h.t.db, box: h.t.wiring.box, gateway: h.t.wiring.gateway, log, now: new Date() })) > 0);
};
const processed = (wamid: string) => async () => (await queryRows(h.t.db, sql`select 1 from messages where wamid = ${wamid}`)).length > 0;
/** The person writes (or taps); waits until processing stored it and sends what it queued. */
async function say(phone: string, input: Record<string, unknown>): Promise<string> {
  const { wamid } = h.sim.inbound({ from: phone.slice(1), ...input });
  await h.waitFor(processed(wamid), 10_000, `processing of ${wamid}`);
  await sendOutbox();
  return wamid;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const lists = (phone: string) => h.sim.sent(phone).filter((m) => (m.request as any).interactive?.type === 'list');

async function draft(tag: string): Promise<string> {
  const res = await h.api('POST', '/api/v1/broadcasts', {
    name: `prefs ${tag}`,
    audience: { rules: { field: 'tags', op: 'contains', value: tag }, topic: 'offers' },
    template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'new season' } } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const started = await h.api('POST', `/api/v1/broadcasts/${res.body.id}/start`);
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return res.body.id as string;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function recipients(id: string): Promise<Map<string, any>> {
  const res = await h.api('GET', `/api/v1/broadcasts/${id}/recipients?limit=100`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return new Map((res.body.data as any[]).map((r) => [r.contact_id, r]));
}

describe('the preference keyword on WhatsApp', () => {
  it('answers PREFERENCES, MENU and other languages with a list the simulator accepts; STOP still wins', async () => {
    const [ana] = await h.seedContacts(1, { tag: 'p-menu', from: 100 });
    await say(ana!.phone, { text: 'Menu!' });
    const [menu] = lists(ana!.phone);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const list = (menu!.request as any).interactive;
    expect(menu!.state).not.toBe('rejected');
    const rows = list.action.sections.flatMap((s: { rows: { id: string; title: string }[] }) => s.rows);
    expect(rows.map((r: { id: string }) => r.id)).toEqual(['pref:t:0:offers', 'pref:t:1:updates', 'pref:f:low', 'pref:p:30']);
    for (const r of rows) expect(r.title.length).toBeLessThanOrEqual(24);
    expect(list.body.text).toMatch(/\/preferences\/[A-Za-z0-9_-]{43}\.[0-9a-z]+\.[A-Za-z0-9_-]{22}/);
    await say(ana!.phone, { text: 'Preferencias' });
    expect(lists(ana!.phone)).toHaveLength(2);
    // A STOP word is never read as the preference keyword.
    await say(ana!.phone, { text: 'STOP' });
    expect(lists(ana!.phone)).toHaveLength(2);
  });

  it('records each tapped row as a ledger event from the person with the inbound wamid as evidence, and confirms it', async () => {
    const [ben] = await h.seedContacts(1, { tag: 'p-tap', from: 110 });
    await say(ben!.phone, { text: 'PREFERENCES' });
    // The person taps the first row of the list they got, as WhatsApp echoes it: id, title, description, and the menu as context.
    const [menu] = lists(ben!.phone);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const row = (menu!.request as any).interactive.action.sections[0].rows[0] as { id: string; title: string; description: string };
    expect(row.id).toBe('pref:t:0:offers');
    const leave = await say(ben!.phone, { type: 'interactive', interactive: { type: 'list_reply', ...row }, context_id: menu!.wamid });
    const pause = await say(ben!.phone, { type: 'interactive', interactive: { type: 'list_reply', id: 'pref:p:30', title: 'Pause for 30 days' } });
    const low = await say(ben!.phone, { type: 'interactive', interactive: { type: 'list_reply', id: 'pref:f:low', title: 'Fewer messages' } });
    const events = (await ledger(ben!.id)).filter((e) => e.source === 'preference_centre');
    expect(events.map((e) => [e.action, e.evidence.wamid])).toEqual([
      ['withdraw', leave],
      ['pause', pause],
      ['frequency', low],
    ]);
    expect(events[0]!.topic_id).not.toBeNull();
    expect(events[0]!.evidence).toMatchObject({ menu_wamid: menu!.wamid, row_id: 'pref:t:0:offers', text: expect.stringContaining(row.title) });
    expect(events[1]!.evidence.paused_until).toEqual(expect.any(String));
    expect(events[2]!.evidence).toMatchObject({ frequency: 'low', channel: 'whatsapp', row_id: 'pref:f:low' });
    // The proof panel shows the choices and the state.
    const proof = await h.api('GET', `/api/v1/contacts/${ben!.id}/consent`);
    expect(proof.status).toBe(200);
    expect(proof.body.preferences).toMatchObject({ frequency: 'low', paused_until: expect.any(String) });
    expect(proof.body.events.filter((e: { action: string }) => ['pause', 'frequency'].includes(e.action)).map((e: { topic: unknown }) => e.topic)).toEqual([null, null]);
    // Each choice is confirmed (even leaving a topic: the person asked).
    const texts = h.sim.sent(ben!.phone).map((m) => (m.request as { text?: { body: string } }).text?.body ?? '');
    expect(texts.some((t) => t.startsWith('Done: no more offers'))).toBe(true);
    expect(texts.some((t) => t.startsWith('Done: no offers until'))).toBe(true);
    // A replayed webhook of a reply records nothing new and confirms nothing twice.
    const stored = await queryRows<{ id: number }>(h.t.db, sql`select id from webhook_events where raw like ${`%${pause}%`}`);
    const before = h.sim.sent(ben!.phone).length;
    expect(await replayWebhooks(h.t.db, stored.map((r) => Number(r.id)))).toBeGreaterThan(0);
    await h.waitFor(async () => (await queryRows(h.t.db, sql`select 1 from webhook_events where status = 'pending'`)).length === 0, 10_000, 'the replay');
    await sendOutbox();
    expect(h.sim.sent(ben!.phone)).toHaveLength(before);
    expect((await ledger(ben!.id)).filter((e) => e.source === 'preference_centre')).toHaveLength(3);
  });
});

describe('senders honour the choices', () => {
  it('the next broadcast skips a paused person with paused_by_contact; resuming lets the one after reach them', async () => {
    const [cat, dan] = await h.seedContacts(2, { tag: 'p-pause', from: 120 });
    await say(cat!.phone, { type: 'interactive', interactive: { type: 'list_reply', id: 'pref:p:30', title: 'Pause for 30 days' } });
    const plan = await h.api('POST', '/api/v1/broadcasts', {
      name: 'prefs pause plan',
      audience: { rules: { field: 'tags', op: 'contains', value: 'p-pause' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'x' }, 'body.2': { value: 'y' } } },
    });
    expect((await h.api('POST', `/api/v1/broadcasts/${plan.body.id}/estimate`)).body).toMatchObject({ sendable: 2, paused_by_contact: 1 });
    const id = await draft('p-pause');
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${id}`)).body.status === 'completed', 20_000, 'the broadcast to complete');
    const r = await recipients(id);
    expect(r.get(cat!.id)).toMatchObject({ state: 'skipped', reason: 'paused_by_contact' });
    expect(r.get(dan!.id)!.state).not.toBe('skipped');
    expect(h.sim.sent(cat!.phone).filter((m) => m.template?.name === 'weekly_offers')).toHaveLength(0);

    await say(cat!.phone, { type: 'interactive', interactive: { type: 'list_reply', id: 'pref:r', title: 'Resume messages' } });
    expect((await ledger(cat!.id)).map((e) => e.action).slice(-2)).toEqual(['pause', 'resume']);
    const next = await draft('p-pause');
    await h.waitFor(async () => (await recipients(next)).get(cat!.id)?.state === 'accepted' || (await recipients(next)).get(cat!.id)?.sent_at != null, 30_000, 'the resumed person to be sent to');
  }, 60_000);

  it('a low frequency halves the cap: the second broadcast defers that person while the others get it', async () => {
    const [eve, fay] = await h.seedContacts(2, { tag: 'p-low', from: 130 });
    await say(eve!.phone, { type: 'interactive', interactive: { type: 'list_reply', id: 'pref:f:low', title: 'Fewer messages' } });
    const first = await draft('p-low');
    await h.waitFor(async () => (await h.api('GET', `/api/v1/broadcasts/${first}`)).body.status === 'completed', 20_000, 'the first broadcast');
    const second = await draft('p-low');
    await h.waitFor(async () => (await recipients(second)).get(eve!.id)?.reason === 'deferred: frequency cap', 30_000, "eve's cap deferral");
    await h.waitFor(async () => (await recipients(second)).get(fay!.id)?.sent_at != null, 30_000, "fay's second offer");
    expect(h.sim.sent(eve!.phone).filter((m) => m.template?.name === 'weekly_offers')).toHaveLength(1);
    expect(h.sim.sent(fay!.phone).filter((m) => m.template?.name === 'weekly_offers')).toHaveLength(2);
    // The plan counts her as at the cap too (one send is her whole cap now).
    const third = await h.api('POST', '/api/v1/broadcasts', {
      name: 'prefs plan',
      audience: { rules: { field: 'tags', op: 'contains', value: 'p-low' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'x' }, 'body.2': { value: 'y' } } },
    });
    expect((await h.api('POST', `/api/v1/broadcasts/${third.body.id}/estimate`)).body.frequency_capped).toBe(2);
  }, 60_000);

  it("an automation's marketing send skips a paused person (the run goes on) and reaches the others", async () => {
    const [gus, hal] = await h.seedContacts(2, { tag: 'p-auto', from: 140 });
    await h.api('PATCH', `/api/v1/contacts/${gus!.id}/preferences`, { pause_days: 10 });
    const created = await h.api('POST', '/api/v1/automations', {
      name: 'prefs offer',
      definition: {
        trigger: { type: 'api' },
        topic: 'offers',
        steps: [{ id: 'offer', type: 'send_template', template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { value: 'x' }, 'body.2': { value: 'y' } } } }, { id: 'tag', type: 'tag', add: ['after-offer'] }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/publish`)).status).toBe(200);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/enrollments`, { contact_ids: [gus!.id, hal!.id] })).status).toBeLessThan(300);
    while ((await runDueAutomations({ db: h.t.db, now: new Date(), log })) > 0);
    const steps = await queryRows<{ contact_id: string; step_id: string; outcome: string; reason: string | null }>(
      h.t.db,
      sql`select r.contact_id, s.step_id, s.outcome, s.reason from automation_step_runs s join automation_runs r on r.id = s.run_id where s.automation_id = ${created.body.id} order by s.run_id, s.seq`,
    );
    expect(steps.filter((s) => s.contact_id === gus!.id).map((s) => [s.step_id, s.outcome, s.reason])).toEqual([
      ['offer', 'skipped', 'paused_by_contact'],
      ['tag', expect.any(String), null],
    ]);
    expect(steps.find((s) => s.contact_id === hal!.id && s.step_id === 'offer')?.outcome).toBe('sent');
  }, 30_000);
});

describe('the API and settings', () => {
  it('reads and sets pause and frequency with a ledger event from source api; refuses bad input naming the field', async () => {
    const [ian] = await h.seedContacts(1, { tag: 'p-api', from: 150 });
    const before = await h.api('GET', `/api/v1/contacts/${ian!.id}/preferences`);
    expect(before.body).toMatchObject({ paused: false, paused_until: null, frequency: 'normal', topics: expect.arrayContaining([expect.objectContaining({ topic: 'offers', subscribed: true })]) });
    const until = new Date(Date.now() + 5 * 86_400_000).toISOString();
    const set = await h.api('PATCH', `/api/v1/contacts/${ian!.id}/preferences`, { paused_until: until, frequency: 'low', evidence: { text: 'Paused in the Acme app', app: 'AcmeApp/3.1' } });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body).toMatchObject({ paused: true, paused_until: until, frequency: 'low' });
    const events = (await ledger(ian!.id)).filter((e) => e.source === 'api' && e.action !== 'grant');
    expect(events.map((e) => e.action)).toEqual(['pause', 'frequency']);
    expect(events[0]!.evidence).toMatchObject({ text: 'Paused in the Acme app', app: 'AcmeApp/3.1', paused_until: until });
    expect((await h.api('PATCH', `/api/v1/contacts/${ian!.id}/preferences`, { paused_until: null })).body.paused).toBe(false);
    const bad = await h.api('PATCH', `/api/v1/contacts/${ian!.id}/preferences`, { frequency: 'weekly' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toMatch(/frequency/);
    const past = await h.api('PATCH', `/api/v1/contacts/${ian!.id}/preferences`, { paused_until: '2020-01-01T00:00:00Z' });
    expect(past.status).toBe(422);
    expect((await h.api('GET', '/api/v1/contacts/00000000-0000-4000-8000-000000000000/preferences')).status).toBe(404);
  });

  it('keywords are editable per workspace and may not clash with STOP or START words', async () => {
    // An opt-in source may not take a preference word: the preference keyword would always answer first.
    const source = await h.api('POST', '/api/v1/optin-sources', { kind: 'store', name: 'Till', keyword: 'Menu', topics: ['offers'], consent_text: 'Text MENU to get offers. Reply STOP to stop.' });
    expect(source.status).toBe(409);
    expect(source.body.error.code).toBe('KEYWORD_TAKEN');
    const clash = await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: { keywords: ['Stop'] } } });
    expect(clash.status).toBe(422);
    expect(clash.body.error.details).toMatchObject({ path: 'settings.preferences.keywords' });
    const unknown = await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: { keywordz: ['x'] } } });
    expect(unknown.status).toBe(422);
    const ok = await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: { keywords: ['Opciones extra'], disabled_keywords: ['menu'] } } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const [jo] = await h.seedContacts(1, { tag: 'p-kw', from: 160 });
    await say(jo!.phone, { text: 'menu' });
    expect(lists(jo!.phone)).toHaveLength(0);
    await say(jo!.phone, { text: 'opciones extra' });
    expect(lists(jo!.phone)).toHaveLength(1);
    expect((await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: null } })).status).toBe(200);
  });
});

describe('the welcome link', () => {
  it('adds the preference page link to opt-in welcomes when settings.preferences.link_in_welcome is on', async () => {
    expect((await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: { link_in_welcome: true, link_ttl_days: 7 } } })).status).toBe(200);
    const source = await h.api('POST', '/api/v1/optin-sources', { kind: 'store', name: 'Pref till', keyword: 'Join prefs', topics: ['offers'], consent_text: 'Text JOIN PREFS to get offers. Reply STOP to stop.' });
    expect(source.status, JSON.stringify(source.body)).toBe(201);
    const phone = '+2348039990001';
    await say(phone, { text: 'join prefs' });
    const welcome = h.sim.sent(phone).map((m) => (m.request as { text?: { body: string } }).text?.body ?? '').find((t) => t.startsWith('Thanks for joining'));
    const link = /\/preferences\/(\S+)$/.exec(welcome ?? '')?.[1];
    expect(welcome).toContain('Choose what you get and how often: ');
    expect((await h.t.app.inject({ method: 'GET', url: `/preferences/${link}` })).statusCode).toBe(200);
    expect((await h.api('PATCH', '/api/v1/workspace', { settings: { preferences: null } })).status).toBe(200);
  });
});

describe('the hosted page behind a signed link', () => {
  const page = (path: string, payload?: string) =>
    h.t.app.inject({ method: payload === undefined ? 'GET' : 'POST', url: path, ...(payload === undefined ? {} : { payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'PrefTest/1.0' } }) });

  it('records the same choices as ledger events with the link id as evidence', async () => {
    const [kim] = await h.seedContacts(1, { tag: 'p-page', from: 170 });
    const token = await preferenceToken(h.t.db, h.tenant.workspaceId, kim!.id, new Date(Date.now() + 3_600_000));
    const got = await page(`/preferences/${token}`);
    expect(got.statusCode).toBe(200);
    expect(got.body).toContain('name="topic_offers" checked');
    const saved = await page(`/preferences/${token}`, 'frequency=low&pause=pause&topic_updates=on');
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved');
    const events = (await ledger(kim!.id)).filter((e) => e.source === 'preference_page');
    expect(events.map((e) => e.action).sort()).toEqual(['frequency', 'grant', 'pause', 'withdraw']);
    for (const e of events) expect(e.evidence).toMatchObject({ link_id: expect.stringMatching(/^[0-9a-f]{24}$/), user_agent: 'PrefTest/1.0', channel: 'web', text: expect.any(String) });
    // The same form again changes nothing.
    await page(`/preferences/${token}`, 'frequency=low&pause=pause&topic_updates=on');
    expect((await ledger(kim!.id)).filter((e) => e.source === 'preference_page')).toHaveLength(4);
  });

  it('refuses an expired link (410) and a tampered one (404) without recording anything', async () => {
    const [lea] = await h.seedContacts(1, { tag: 'p-link', from: 180 });
    const expired = await preferenceToken(h.t.db, h.tenant.workspaceId, lea!.id, new Date(Date.now() - 1000));
    expect((await page(`/preferences/${expired}`)).statusCode).toBe(410);
    expect((await page(`/preferences/${expired}`, 'frequency=low')).statusCode).toBe(410);
    const good = await preferenceToken(h.t.db, h.tenant.workspaceId, lea!.id, new Date(Date.now() + 3_600_000));
    const [ids, exp, sig] = good.split('.');
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    for (const bad of [`${ids}.${exp}.${flip(sig!)}`, `${ids}.${(parseInt(exp!, 36) + 86_400).toString(36)}.${sig}`, `${flip(ids!)}.${exp}.${sig}`, 'nonsense', `${ids}.${exp}`]) {
      expect((await page(`/preferences/${bad}`)).statusCode, bad).toBe(404);
      expect((await page(`/preferences/${bad}`, 'frequency=low')).statusCode, bad).toBe(404);
    }
    expect((await ledger(lea!.id)).filter((e) => e.source === 'preference_page')).toHaveLength(0);
  });
});
