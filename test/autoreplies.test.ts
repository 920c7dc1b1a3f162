// Auto-replies (issue 16), end to end against the simulator: greeting and away go once per window
// and never while an agent handles the conversation; STOP, a suppressed person and automations get
// no auto-reply; keyword replies and the FAQ menu; a holiday, a per-number override and a DST
// change in the business calendar; an inbound burst of 500 messages from 100 people, scanned by two
// workers at once and read again from the start, gives no duplicate.
import { param, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { scanAutoReplies } from '../src/modules/autoreplies/index.js';
import { runDueAutomations, scanAutomationTriggers } from '../src/modules/automations/index.js';
import { syncConversations } from '../src/modules/conversations/index.js';
import { sendQueuedAutomated } from '../src/modules/messaging/index.js';
import { queryRows } from '../src/adapters/db/database.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
const log = silentLogger();
const ALWAYS_OPEN = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ start: '00:00', end: '24:00' }]]));
const REPLIES = {
  enabled: true,
  greeting: { enabled: true, text: 'Hello from Acme!' },
  away: { enabled: true, text: 'We are closed now.' },
  fallback: { enabled: true, text: 'A person will answer within 2 hours.' },
};

beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'autoreplies', tier: 'TIER_UNLIMITED', settings: { broadcasts: { quiet_hours: null, frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

async function put(url: string, body: unknown): Promise<void> {
  const res = await h.t.call(h.tenant.key, { method: 'PUT', url, payload: body as Record<string, unknown> });
  expect(res.statusCode, res.body).toBe(200);
}
/** The webhooks land, then one pass of each worker loop the auto-replies need, until the outbox is empty. */
async function settle(now = new Date()): Promise<void> {
  await h.sim.webhooksIdle();
  await new Promise((r) => setTimeout(r, 100));
  await syncConversations({ db: h.t.db, log });
  await scanAutoReplies({ db: h.t.db, now, log });
  while ((await sendQueuedAutomated({ db: h.t.db, box: h.t.wiring.box, gateway: h.t.wiring.gateway, log, now: new Date() })) > 0) {
    /* until nothing is queued */
  }
}
/** What the person received, as text (a list message as "[list] body"). */
function received(phone: string): string[] {
  return h.sim.sent(phone.slice(1)).map((m) => {
    const r = m.request as { text?: { body: string }; interactive?: { type: string; body: { text: string } } };
    return r.text?.body ?? (r.interactive ? `[${r.interactive.type}] ${r.interactive.body.text}` : `[${m.type}]`);
  });
}
async function waitReceived(phone: string, n: number): Promise<string[]> {
  await h.waitFor(async () => (await settle(), received(phone).length >= n), 15_000, `${n} messages to ${phone}`);
  await settle();
  return received(phone);
}
/** Waits until the person's `n`-th message is in the message log (so a scan has it to read). */
async function waitInbound(contactId: string, n: number): Promise<void> {
  await h.waitFor(async () => (await queryRows(h.t.db, sql`select 1 from messages where contact_id = ${contactId} and direction = 'in'`)).length >= n, 10_000, `${n} messages`);
}
async function conversationOf(contactId: string): Promise<string> {
  const [row] = await queryRows<{ id: string }>(h.t.db, sql`select id from conversations where contact_id = ${contactId}`);
  return row!.id;
}

describe('settings', () => {
  it('answers defaults, and refuses bad input with 422 naming the field', async () => {
    const hours = await h.api('GET', '/api/v1/business-hours');
    expect(hours.body).toMatchObject({ configured: false, timezone: 'UTC', open_now: true, holidays: [] });
    expect((await h.api('GET', '/api/v1/auto-replies')).body).toMatchObject({ enabled: false, greeting: null, updated_at: null });
    const bad = async (url: string, body: unknown, field: string) => {
      const res = await h.t.call(h.tenant.key, { method: 'PUT', url, payload: body as Record<string, unknown> });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    };
    await bad('/api/v1/business-hours', { weekly: { mon: [{ start: '17:00', end: '09:00' }] } }, 'weekly.mon.0.end');
    await bad('/api/v1/business-hours', { weekly: { mon: [{ start: '9:00', end: '17:00' }] } }, 'weekly.mon.0.start');
    await bad('/api/v1/business-hours', { weekly: { monday: [] } }, 'weekly.monday');
    await bad('/api/v1/business-hours', { timezone: 'Mars/Olympus', weekly: {} }, 'timezone');
    await bad('/api/v1/business-hours', { weekly: {}, holidays: [{ date: '2026-02-30' }] }, 'holidays.0.date');
    await bad('/api/v1/business-hours', { weekly: {}, overrides: [{ number_id: '00000000-0000-4000-8000-000000000001' }] }, 'overrides.0.number_id');
    await bad('/api/v1/auto-replies', { ...REPLIES, keywords: [{ keywords: ['STOP'], text: 'x' }] }, 'keywords.0.keywords.0');
    await bad('/api/v1/auto-replies', { ...REPLIES, keywords: [{ keywords: ['Menu'], text: 'x' }] }, 'keywords.0.keywords.0');
    await bad('/api/v1/auto-replies', { ...REPLIES, keywords: [{ keywords: ['price'], text: 'x' }, { keywords: ['PRICE!'], text: 'y' }] }, 'keywords.1.keywords.0');
    await bad('/api/v1/auto-replies', { ...REPLIES, faq: { enabled: true, keywords: ['help'], body: 'b', button: 'Options', rows: [{ id: 'a', title: 'A' }] } }, 'faq.rows.0.answer');
    await bad('/api/v1/auto-replies', { ...REPLIES, faq: { enabled: true, keywords: ['help'], body: 'b', button: 'Options', rows: [{ id: 'a', title: 'A', automation_id: '00000000-0000-4000-8000-000000000001' }] } }, 'faq.rows.0.automation_id');
    await bad('/api/v1/auto-replies', { ...REPLIES, surprise: true }, 'surprise');
    // Nothing was stored by the refusals.
    expect((await h.api('GET', '/api/v1/auto-replies')).body.enabled).toBe(false);
  });
});

describe('greeting and away', () => {
  it('go once per window, never while an agent handles the conversation, never to STOP or a suppressed person', async () => {
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: {} }); // configured and closed every day
    await put('/api/v1/auto-replies', REPLIES);
    const [ana, ben, cat] = await h.seedContacts(3, { tag: 'window' });
    // Three messages at once: the first is greeted, the second gets the away message, the third nothing.
    for (const text of ['hi', 'are you there?', 'hello?']) h.sim.inbound({ from: ana!.phone.slice(1), text });
    expect((await waitReceived(ana!.phone, 2)).sort()).toEqual(['Hello from Acme!', 'We are closed now.']);
    h.sim.inbound({ from: ana!.phone.slice(1), text: 'anyone?' });
    await waitInbound(ana!.id, 4);
    await settle();
    // Read again from the start (a crash before the cursor moved): nothing more.
    await h.t.db.execute(sql`update autoreply_cursor set last_at = 'epoch'`);
    await settle();
    expect(received(ana!.phone)).toHaveLength(2);

    // Ben is greeted, then an agent takes the conversation: nothing while it is theirs.
    h.sim.inbound({ from: ben!.phone.slice(1), text: 'hi' });
    expect(await waitReceived(ben!.phone, 1)).toEqual(['Hello from Acme!']);
    const agent = await h.api('POST', '/api/v1/users', { email: 'agent@autoreply.example', role: 'agent', password: 'correct horse battery' });
    expect((await h.api('POST', `/api/v1/conversations/${await conversationOf(ben!.id)}/assign`, { assignee_id: agent.body.id })).status).toBe(200);
    // Stamped a second before the take (WhatsApp's whole seconds), it reached us after it: handled.
    h.sim.inbound({ from: ben!.phone.slice(1), text: 'still there?', timestamp: Math.floor(Date.now() / 1000) - 1 });
    await waitInbound(ben!.id, 2);
    await settle();
    await settle();
    expect(received(ben!.phone)).toEqual(['Hello from Acme!']);
    // Closed by the agent: the next message reopens it, and the away message goes.
    expect((await h.api('POST', `/api/v1/conversations/${await conversationOf(ben!.id)}/state`, { state: 'closed' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_100)); // WhatsApp's timestamps are whole seconds
    h.sim.inbound({ from: ben!.phone.slice(1), text: 'hello again' });
    expect(await waitReceived(ben!.phone, 2)).toEqual(['Hello from Acme!', 'We are closed now.']);

    // STOP gets its confirmation only; afterwards the suppressed person gets nothing.
    h.sim.inbound({ from: cat!.phone.slice(1), text: 'STOP' });
    const afterStop = await waitReceived(cat!.phone, 1);
    expect(afterStop).toHaveLength(1);
    expect(afterStop[0]).not.toMatch(/Acme!|closed now/);
    h.sim.inbound({ from: cat!.phone.slice(1), text: 'hello' });
    await waitInbound(cat!.id, 2);
    await settle();
    await settle();
    expect(received(cat!.phone)).toEqual(afterStop);
  }, 60_000);
});

describe('keyword replies, the FAQ menu and automations', () => {
  it('a keyword answers, the menu lists, a row answers; an automation keyword, and the answer to a bot question, are left to the automation', async () => {
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: ALWAYS_OPEN });
    await put('/api/v1/auto-replies', {
      ...REPLIES,
      keywords: [{ keywords: ['price', 'prices'], text: 'Shoes from 40 EUR.' }],
      faq: { enabled: true, keywords: ['help'], body: 'How can we help?', button: 'Options', rows: [{ id: 'hours', title: 'Opening hours', answer: 'Every day, all day.' }] },
    });
    const created = await h.api('POST', '/api/v1/automations', {
      name: 'promo bot',
      definition: { trigger: { type: 'inbound', keywords: ['PROMO'] }, topic: 'offers', reentry_days: 0, steps: [{ id: 'say', type: 'send_message', text: 'Here is the promo code: SPRING.' }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/automations/${created.body.id}/publish`)).status).toBe(200);
    const [dan, eve] = await h.seedContacts(2, { tag: 'keywords' });
    h.sim.inbound({ from: dan!.phone.slice(1), text: 'Prices?' });
    expect(await waitReceived(dan!.phone, 1)).toEqual(['Shoes from 40 EUR.']);
    h.sim.inbound({ from: dan!.phone.slice(1), text: 'HELP' });
    expect(await waitReceived(dan!.phone, 2)).toEqual(['Shoes from 40 EUR.', '[list] How can we help?']);
    const list = h.sim.sent(dan!.phone.slice(1))[1]!.request as { interactive: { action: { sections: { rows: { id: string }[] }[] } } };
    const rowId = list.interactive.action.sections[0]!.rows[0]!.id;
    h.sim.inbound({ from: dan!.phone.slice(1), interactive: { type: 'list_reply', id: rowId, title: 'Opening hours' } });
    expect(await waitReceived(dan!.phone, 3)).toEqual(['Shoes from 40 EUR.', '[list] How can we help?', 'Every day, all day.']);
    // Something answered in this window already: no fallback.
    h.sim.inbound({ from: dan!.phone.slice(1), text: 'thanks' });
    await waitInbound(dan!.id, 4);
    await settle();
    expect(received(dan!.phone)).toHaveLength(3);

    // Eve's first message is the automation's keyword: only the automation answers (no greeting).
    h.sim.inbound({ from: eve!.phone.slice(1), text: 'promo' });
    await h.waitFor(
      async () => {
        await settle();
        await scanAutomationTriggers({ db: h.t.db, now: new Date(), log });
        while ((await runDueAutomations({ db: h.t.db, now: new Date(), log })) > 0) {
          /* until nothing is due */
        }
        await settle();
        return received(eve!.phone).length >= 1;
      },
      15_000,
      'the automation answer',
    );
    await settle();
    expect(received(eve!.phone)).toEqual(['Here is the promo code: SPRING.']);

    // A bot's question: the person's answer belongs to the bot (no fallback "a person will answer").
    const sizeBot = await h.api('POST', '/api/v1/automations', {
      name: 'size bot',
      definition: {
        trigger: { type: 'inbound', keywords: ['SIZE'] },
        topic: 'offers',
        reentry_days: 0,
        steps: [
          { id: 'ask', type: 'send_message', text: 'Which size?' },
          { id: 'wait', type: 'wait_for_reply', timeout: { hours: 1 }, on_timeout: 'bye' },
          { id: 'noted', type: 'send_message', text: 'Noted.', next: 'end' },
          { id: 'bye', type: 'send_message', text: 'Bye!' },
          { id: 'end', type: 'end' },
        ],
      },
    });
    expect(sizeBot.status, JSON.stringify(sizeBot.body)).toBe(201);
    expect((await h.api('POST', `/api/v1/automations/${sizeBot.body.id}/publish`)).status).toBe(200);
    const botPass = async () => {
      await settle();
      await scanAutomationTriggers({ db: h.t.db, now: new Date(), log });
      while ((await runDueAutomations({ db: h.t.db, now: new Date(), log })) > 0) {
        /* until nothing is due */
      }
      await settle();
    };
    h.sim.inbound({ from: eve!.phone.slice(1), text: 'size' });
    await h.waitFor(async () => (await botPass(), received(eve!.phone).length >= 2), 15_000, 'the question');
    await new Promise((r) => setTimeout(r, 1_100)); // the answer must come after the run began to wait (whole seconds)
    h.sim.inbound({ from: eve!.phone.slice(1), text: '42' });
    await waitInbound(eve!.id, 3);
    await h.waitFor(async () => (await botPass(), received(eve!.phone).length >= 3), 15_000, 'the bot answer');
    await botPass();
    expect(received(eve!.phone)).toEqual(['Here is the promo code: SPRING.', 'Which size?', 'Noted.']);
  }, 60_000);
});

describe('the business calendar end to end', () => {
  it('a holiday closes the day (away); per-number overrides keep the number open (fallback) and switch its auto-replies on or off', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: ALWAYS_OPEN, holidays: [{ date: today, name: 'Shop party' }] });
    expect((await h.api('GET', '/api/v1/business-hours')).body).toMatchObject({ configured: true, open_now: false });
    await put('/api/v1/auto-replies', { ...REPLIES, greeting: null });
    const [fay, gil] = await h.seedContacts(2, { tag: 'holiday' });
    h.sim.inbound({ from: fay!.phone.slice(1), text: 'open today?' });
    expect(await waitReceived(fay!.phone, 1)).toEqual(['We are closed now.']);
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: ALWAYS_OPEN, holidays: [{ date: today }], overrides: [{ number_id: h.numberId, holidays: [] }] });
    h.sim.inbound({ from: gil!.phone.slice(1), text: 'open today?' });
    expect(await waitReceived(gil!.phone, 1)).toEqual(['A person will answer within 2 hours.']);
    // Auto-replies off for the workspace but on for this number (its own fallback text): the number answers.
    await put('/api/v1/auto-replies', { ...REPLIES, enabled: false, overrides: [{ number_id: h.numberId, enabled: true, fallback: { enabled: true, text: 'The shop team answers soon.' } }] });
    const [hal, ida] = await h.seedContacts(2, { tag: 'override' });
    h.sim.inbound({ from: hal!.phone.slice(1), text: 'hi' });
    expect(await waitReceived(hal!.phone, 1)).toEqual(['Hello from Acme!']);
    h.sim.inbound({ from: hal!.phone.slice(1), text: 'anyone?' });
    await waitInbound(hal!.id, 2);
    await settle();
    expect(received(hal!.phone)).toEqual(['Hello from Acme!']); // greeted this window: no fallback
    // And off for the number: nothing.
    await put('/api/v1/auto-replies', { ...REPLIES, overrides: [{ number_id: h.numberId, enabled: false }] });
    h.sim.inbound({ from: ida!.phone.slice(1), text: 'hi' });
    await waitInbound(ida!.id, 1);
    await settle();
    await settle();
    expect(received(ida!.phone)).toEqual([]);
  }, 30_000);

  it('decides by the local time the person wrote, across the spring DST change (London, 30 March 2026)', async () => {
    await settle();
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: { fri: [{ start: '09:00', end: '17:00' }], mon: [{ start: '09:00', end: '17:00' }] } });
    await put('/api/v1/auto-replies', { ...REPLIES, greeting: null });
    const people = await h.seedContacts(4, { tag: 'dst' });
    // Friday 27 March (GMT) 08:30 UTC = 08:30 local: closed; Monday 30 March (BST) 08:30 UTC = 09:30 local: open.
    const cases = [
      { at: '2026-03-27T08:30:00Z', kind: 'away' },
      { at: '2026-03-27T09:30:00Z', kind: 'fallback' },
      { at: '2026-03-30T07:30:00Z', kind: 'away' },
      { at: '2026-03-30T08:30:00Z', kind: 'fallback' },
    ];
    for (const [i, c] of cases.entries()) {
      h.sim.inbound({ from: people[i]!.phone.slice(1), text: 'hello', timestamp: Date.parse(c.at) / 1000 });
      await h.sim.webhooksIdle();
      await h.waitFor(async () => (await queryRows(h.t.db, sql`select 1 from messages where contact_id = ${people[i]!.id}`)).length === 1, 10_000, 'the message');
      // The scan runs "a minute later" on the business clock of that day.
      await scanAutoReplies({ db: h.t.db, now: new Date(Date.parse(c.at) + 60_000), log });
      const kinds = await queryRows<{ kind: string }>(h.t.db, sql`select kind from autoreply_sent where contact_id = ${people[i]!.id}`);
      expect(kinds.map((k) => k.kind), c.at).toEqual([c.kind]);
    }
  }, 30_000);
});

describe('an inbound burst', () => {
  it('500 messages from 100 people, scanned by two workers at once and again from the start, give one greeting and one away each', async () => {
    await put('/api/v1/business-hours', { timezone: 'Europe/London', weekly: {} });
    await put('/api/v1/auto-replies', REPLIES);
    const people = await h.seedContacts(100, { tag: 'burst' });
    for (let round = 0; round < 5; round++) for (const p of people) h.sim.inbound({ from: p.phone.slice(1), text: `message ${round}` });
    const ids = people.map((p) => p.id);
    const count = async () => Number((await queryRows<{ n: string }>(h.t.db, sql`select count(*) as n from messages where direction = 'in' and contact_id = any(${param(ids)}::uuid[])`))[0]!.n);
    await h.waitFor(async () => (await h.sim.webhooksIdle(), (await count()) === 500), 60_000, '500 inbound messages');
    // Two workers at once, several passes, then everything read again from the start.
    for (let i = 0; i < 3; i++) await Promise.all([scanAutoReplies({ db: h.t.db, now: new Date(), log }), scanAutoReplies({ db: h.t.db, now: new Date(), log })]);
    await new Promise((r) => setTimeout(r, 2_100));
    await h.t.db.execute(sql`update autoreply_cursor set last_at = 'epoch'`);
    await Promise.all([scanAutoReplies({ db: h.t.db, now: new Date(), log }), scanAutoReplies({ db: h.t.db, now: new Date(), log })]);
    await settle();
    const queued = await queryRows<{ contact_id: string; kind: string }>(h.t.db, sql`select contact_id, kind from outbox where kind like 'auto_reply%' and contact_id = any(${param(ids)}::uuid[])`);
    expect(queued).toHaveLength(200);
    for (const p of people) expect(queued.filter((q) => q.contact_id === p.id).map((q) => q.kind).sort(), p.phone).toEqual(['auto_reply_away', 'auto_reply_greeting']);
    await h.waitFor(async () => (await settle(), people.every((p) => received(p.phone).length >= 2)), 30_000, 'every reply sent');
    for (const p of people) expect(received(p.phone).sort()).toEqual(['Hello from Acme!', 'We are closed now.']);
  }, 120_000);
});
