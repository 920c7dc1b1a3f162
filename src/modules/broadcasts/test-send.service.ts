import { AppError, isAppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { Ctx } from '../context.js';
import { recordAudit } from '../audit/index.js';
import { getContact } from '../contacts/index.js';
import type { WhatsAppGateway } from '../messaging/index.js';
import { credentialsFor } from '../numbers/index.js';
import { compileTemplate, exampleValues, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { loadBroadcast } from './broadcast-row.js';
import { resolveTrackedLinks } from './broadcasts.rules.js';
import { testSendIn } from './broadcasts.schemas.js';

/**
 * Sends the broadcast's message to the team's own numbers (settings `broadcasts.test_numbers`, or
 * the given ones), rendered for one contact or with sample values. These are internal numbers,
 * not list members: nothing is recorded against a contact and no broadcast counts change.
 */
export async function sendBroadcastTest(ctx: Ctx, deps: { box: SecretBox; gateway: WhatsAppGateway; publicUrl: string }, id: string, input: unknown): Promise<{ results: { to: string; wamid: string | null; error: string | null }[]; text: string }> {
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
    ? compileTemplate(def, vars)({ name: contact.name ?? null, profile_name: null, phone: contact.phone, country: contact.country ?? null, language: contact.language ?? null, attributes: contact.attributes ?? {} })
    : compileTemplate(def, sampled)({ name: null, profile_name: null, phone: to[0]!, country: null, language: null, attributes: {} });
  if (!rendered.ok) throw new AppError('BROADCAST_VARIABLES_INVALID', rendered.reason, { variable: rendered.variable });
  const creds = await credentialsFor(ctx, deps.box, b.numberId!);
  const results = [];
  for (const phone of to) {
    try {
      const res = await deps.gateway.sendMessage(creds, { to: phone, message: rendered.message, callbackData: `test:${b.id}` });
      results.push({ to: phone, wamid: res.wamid, error: null });
    } catch (err) {
      results.push({ to: phone, wamid: null, error: isAppError(err) ? err.code : 'WHATSAPP_CONNECTION_FAILED' });
    }
  }
  await recordAudit(ctx, { action: 'broadcast.test_sent', targetType: 'broadcast', targetId: id, details: { recipients: to.length } });
  return { results, text: rendered.text };
}
