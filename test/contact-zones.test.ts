// Time zones of contacts (issue 12, item 5): UK mobiles get a zone (their prefix names zones that keep
// one clock), contacts stored before that get it from the worker's sweep, and a broadcast uses the
// workspace's zone (here: its default country's one clock), not UTC, for contacts still without one.
import { param, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/adapters/db/database.js';
import { inferMissingZones } from '../src/modules/contacts/index.js';
import { createBroadcastHarness, type BroadcastHarness } from './helpers/broadcast.js';

let h: BroadcastHarness;
beforeAll(async () => {
  h = await createBroadcastHarness({ seed: 'contact-zones', tier: 'TIER_UNLIMITED', settings: { default_country: 'GB', broadcasts: { frequency_cap: null } } });
});
afterAll(async () => {
  await h?.close();
});

describe('contact time zones', () => {
  it('a UK mobile gets Europe/London (London, Guernsey, Jersey and the Isle of Man keep one clock)', async () => {
    const res = await h.api('POST', '/api/v1/contacts', { phone: '+447400123456' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ country: 'GB', timezone: 'Europe/London', timezone_source: 'number' });
    const national = await h.api('POST', '/api/v1/contacts', { phone: '07400 123457' });
    expect(national.body).toMatchObject({ timezone: 'Europe/London' });
  });

  it('contacts stored with no zone get it from the sweep; explicit and other zones are left alone', async () => {
    const rows = await queryRows<{ id: string; phone: string }>(
      h.t.db,
      sql`insert into contacts (workspace_id, phone, wa_id, country, timezone, timezone_source) values
            (${h.tenant.workspaceId}, '+447400223456', '447400223456', 'GB', null, null),
            (${h.tenant.workspaceId}, '+447797223456', '447797223456', 'JE', null, null),
            (${h.tenant.workspaceId}, '+447400323456', '447400323456', 'GB', 'Asia/Tokyo', 'explicit'),
            (${h.tenant.workspaceId}, '+2348030000999', '2348030000999', 'NG', null, null)
          returning id, phone`,
    );
    expect(await inferMissingZones(h.t.db)).toBeGreaterThanOrEqual(2);
    const after = await queryRows<{ phone: string; timezone: string | null; timezone_source: string | null }>(
      h.t.db,
      sql`select phone, timezone, timezone_source from contacts where id = any(${param(rows.map((r) => r.id))}::uuid[]) order by phone`,
    );
    expect(after).toEqual([
      { phone: '+2348030000999', timezone: null, timezone_source: null }, // Nigeria's prefix is not under a same-clock list: untouched here
      { phone: '+447400223456', timezone: 'Europe/London', timezone_source: 'number' },
      { phone: '+447400323456', timezone: 'Asia/Tokyo', timezone_source: 'explicit' },
      { phone: '+447797223456', timezone: 'Europe/Jersey', timezone_source: 'number' },
    ]);
    // Nothing left to do: a second run changes nothing.
    expect(await inferMissingZones(h.t.db)).toBe(0);
  });

  it('a broadcast uses the workspace zone for contacts without one (default country GB → Europe/London), not UTC', async () => {
    await h.seedContacts(2, { tag: 'z-none', timezone: null });
    const res = await h.api('POST', '/api/v1/broadcasts', {
      name: 'zones',
      audience: { rules: { field: 'tags', op: 'contains', value: 'z-none' }, topic: 'offers' },
      template: { name: 'weekly_offers', language: 'en_US', variables: { 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { value: 'x' } } },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const started = await h.api('POST', `/api/v1/broadcasts/${res.body.id}/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.plan).toMatchObject({ planned: 2, fallback_timezone: 'Europe/London' });
    const zones = await queryRows<{ timezone: string }>(h.t.db, sql`select distinct timezone from broadcast_recipients where broadcast_id = ${res.body.id}`);
    expect(zones).toEqual([{ timezone: 'Europe/London' }]);
  });
});
