import { param, sql, type SQL } from 'drizzle-orm';
import { AppError, isAppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { Ctx } from '../context.js';
import { recordAudit } from '../audit/index.js';
import { getContact } from '../contacts/index.js';
import { phoneHasher, suppressedAmong } from '../consent/index.js';
import type { WhatsAppGateway } from '../messaging/index.js';
import { credentialsFor } from '../numbers/index.js';
import { defaultSendRate, waitForSendSlot } from '../sending/index.js';
import { compileTemplate, exampleValues, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { loadBroadcast } from './broadcast-row.js';
import { resolveTrackedLinks } from './broadcasts.rules.js';
import { testSendIn, type TestSendOut } from './broadcasts.schemas.js';
import { broadcastTestSends } from './broadcasts.tables.js';
import { queryRowsOf } from '../sql.js';

/**
 * Sends the broadcast's message to the team's own numbers (settings `broadcasts.test_numbers`, or
 * the given ones), rendered for one contact or with sample values. These are internal numbers,
 * not list members: nothing is recorded against a contact and no broadcast counts change. A number
 * on the suppression list (someone who said STOP) is not sent to, test or not: its result says
 * CONSENT_SUPPRESSED.
 */
export async function sendBroadcastTest(ctx: Ctx, deps: { box: SecretBox; gateway: WhatsAppGateway; publicUrl: string }, id: string, input: unknown): Promise<{ results: TestSendOut[]; text: string }> {
  const data = testSendIn.parse(input ?? {});
  const b = await loadBroadcast(ctx, id);
  const settings = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)) as { broadcasts?: { test_numbers?: string[] } };
  const to = data.to ?? settings.broadcasts?.test_numbers ?? [];
  if (to.length === 0) throw new AppError('BROADCAST_NO_TEST_NUMBERS', 'to: give the internal numbers to test with, or set workspace settings broadcasts.test_numbers', { field: 'to' });
  const tpl = await findSendableTemplate(ctx, { name: b.templateName, language: b.templateLanguage, ...(b.numberId ? { numberId: b.numberId } : {}) });
  const def = templateDefOf(tpl);
  const vars = resolveTrackedLinks(b.variables, (n) => ({ value: b.links[n] ?? deps.publicUrl })).vars as VariableMap;
  const contact = data.contact_id ? await getContact(ctx, data.contact_id) : null;
  // Without a contact, every contact-derived variable shows the template's example value.
  const sample = exampleValues(def);
  const sampled = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, 'value' in v ? v : { value: sample[k] ?? ('fallback' in v && v.fallback ? v.fallback : k) }])) as VariableMap;
  const rendered = contact
    ? compileTemplate(def, vars)({ name: contact.name ?? null, profile_name: null, phone: contact.phone ?? '', country: contact.country ?? null, language: contact.language ?? null, attributes: contact.attributes ?? {} })
    : compileTemplate(def, sampled)({ name: null, profile_name: null, phone: to[0]!, country: null, language: null, attributes: {} });
  if (!rendered.ok) throw new AppError('BROADCAST_VARIABLES_INVALID', rendered.reason, { variable: rendered.variable });
  const creds = await credentialsFor(ctx, deps.box, b.numberId!);
  const sent: { to: string; wamid: string | null; error: string | null }[] = [];
  const hash = await phoneHasher(ctx.db, ctx.workspaceId);
  const suppressed = await suppressedAmong(ctx.db, ctx.workspaceId, to.map(hash));
  for (const phone of to) {
    if (suppressed.has(hash(phone))) {
      sent.push({ to: phone, wamid: null, error: 'CONSENT_SUPPRESSED' });
      continue;
    }
    try {
      await waitForSendSlot(ctx.db, { numberId: b.numberId!, workspaceId: ctx.workspaceId, ratePerSecond: defaultSendRate(creds.throughputMps) });
      const res = await deps.gateway.sendMessage(creds, { to: phone, message: rendered.message, callbackData: `test:${b.id}` });
      sent.push({ to: phone, wamid: res.wamid, error: null });
    } catch (err) {
      sent.push({ to: phone, wamid: null, error: isAppError(err) ? err.code : 'WHATSAPP_CONNECTION_FAILED' });
    }
  }
  // Kept so the final status (delivered, read, or failed later with Meta's code) can be shown: "accepted" is not "delivered".
  const rows = await ctx.db
    .insert(broadcastTestSends)
    .values(sent.map((s) => ({ workspaceId: ctx.workspaceId, broadcastId: id, toPhone: s.to, wamid: s.wamid, error: s.error, sentAt: ctx.now })))
    .returning({ id: broadcastTestSends.id });
  await recordAudit(ctx, { action: 'broadcast.test_sent', targetType: 'broadcast', targetId: id, details: { recipients: to.length } });
  // In the order of `to` (the list reads newest first).
  const results = (await testSendsWhere(ctx, id, sql`t.id = any(${param(rows.map((r) => r.id))}::bigint[])`)).reverse();
  return { results, text: rendered.text };
}

/** The test sends of a broadcast, newest first (at most 50), each with its final status from the status webhooks. */
export async function listBroadcastTests(ctx: Ctx, id: string): Promise<{ data: TestSendOut[] }> {
  await loadBroadcast(ctx, id);
  return { data: await testSendsWhere(ctx, id, sql`true`) };
}

// Status rank as in the message log: a failure wins over any earlier status (a test that failed after "sent" is failed).
const RANK: Record<string, number> = { sent: 2, delivered: 3, read: 4 };

async function testSendsWhere(ctx: Ctx, id: string, where: SQL): Promise<TestSendOut[]> {
  const rows = await queryRowsOf<{ id: number; to_phone: string; wamid: string | null; error: string | null; sent_at: string; statuses: { status: string; code: number | null; at: string }[] | null }>(
    ctx.db,
    sql`select t.id, t.to_phone, t.wamid, t.error, t.sent_at,
          (select json_agg(json_build_object('status', e.status, 'code', e.error_code, 'at', e.occurred_at) order by e.occurred_at, e.id)
             from message_status_events e where e.workspace_id = t.workspace_id and e.wamid = t.wamid) as statuses
        from broadcast_test_sends t where t.broadcast_id = ${id} and t.workspace_id = ${ctx.workspaceId} and ${where}
        order by t.id desc limit 50`,
  );
  return rows.map((r) => {
    const events = r.statuses ?? [];
    const failed = events.find((e) => e.status === 'failed');
    const best = events.reduce<string | null>((acc, e) => ((RANK[e.status] ?? 0) > (acc ? (RANK[acc] ?? 0) : 0) ? e.status : acc), null);
    const status = r.error ? 'rejected' : failed ? 'failed' : (best ?? 'accepted');
    const last = events.at(-1);
    return {
      id: String(r.id),
      to: r.to_phone,
      wamid: r.wamid,
      status,
      error: r.error,
      error_code: failed?.code ?? null,
      sent_at: new Date(r.sent_at).toISOString(),
      updated_at: last ? new Date(last.at).toISOString() : null,
    };
  });
}
