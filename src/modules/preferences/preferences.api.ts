// A contact's preferences through the API: read them, or set a pause or frequency on the person's
// behalf (an app's own settings screen). Each change is a ledger event with source `api`.
import { AppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { contactPreferencesIn, type ContactPreferencesOut } from './preferences.schemas.js';
import { applyPreferenceChoices, preferenceViewOf, type PreferenceView } from './preferences.service.js';
import type { PreferenceChoice } from './preferences.rules.js';

function toOut(v: PreferenceView): ContactPreferencesOut {
  return {
    contact_id: v.contactId,
    paused: v.pausedUntil !== null,
    paused_until: v.pausedUntil?.toISOString() ?? null,
    frequency: v.frequency,
    topics: v.topics.map((t) => ({ topic: t.key, name: t.name, category: t.category, subscribed: t.subscribed })),
    suppressed: v.suppressed,
  };
}

/** A contact's pause, frequency and topics (404 for another workspace's contact). */
export async function getContactPreferences(ctx: Ctx, contactId: string): Promise<ContactPreferencesOut> {
  return toOut(await preferenceViewOf(ctx, contactId));
}

/** Sets a contact's pause and/or frequency; each change is recorded in the consent ledger (source `api`). */
export async function setContactPreferences(ctx: Ctx, contactId: string, input: unknown): Promise<ContactPreferencesOut> {
  const data = contactPreferencesIn.parse(input);
  const choices: PreferenceChoice[] = [];
  if (data.pause_days !== undefined) choices.push({ kind: 'pause', days: data.pause_days });
  if (data.paused_until === null) choices.push({ kind: 'resume' });
  else if (data.paused_until !== undefined) {
    const ms = new Date(data.paused_until).getTime() - ctx.now.getTime();
    if (ms <= 0 || ms > 365 * 86_400_000) {
      throw new AppError('VALIDATION_FAILED', 'paused_until: must be in the future and at most 365 days ahead; send null to resume', { fields: [{ field: 'paused_until', message: 'in the future, within 365 days' }] });
    }
    choices.push({ kind: 'pause', days: Math.ceil(ms / 86_400_000), until: new Date(data.paused_until) });
  }
  if (data.frequency !== undefined) choices.push({ kind: 'frequency', value: data.frequency });
  const evidence = { ...(data.evidence ?? {}), ...(ctx.requestId ? { request_id: ctx.requestId } : {}), channel: 'api' };
  const text = typeof data.evidence?.text === 'string' ? data.evidence.text : 'set through the API';
  await applyPreferenceChoices(ctx, contactId, choices, { source: 'api', evidence, textOf: () => text, at: ctx.now, dedupeBase: null });
  return getContactPreferences(ctx, contactId);
}
