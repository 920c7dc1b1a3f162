// Reading and changing a workspace's business calendar and auto-replies (one row per workspace),
// and compiling them into what the scan applies for one business number.
import { eq, inArray, sql } from 'drizzle-orm';
import { AppError, isAppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import { getAutomation } from '../automations/index.js';
import { normalizeKeyword } from '../consent/index.js';
import type { Ctx, Db } from '../context.js';
import { hasNumber } from '../numbers/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { DAYS, isOpenAt, type Calendar, type EffectiveReplies } from './autoreplies.rules.js';
import { autoRepliesIn, businessHoursIn, type AutoRepliesIn, type AutoRepliesOut, type BusinessHoursIn, type BusinessHoursOut } from './autoreplies.schemas.js';
import { autoreplySettings } from './autoreplies.tables.js';

type Row = typeof autoreplySettings.$inferSelect;

/** What a workspace that never set anything has: auto-replies off. */
const DEFAULT_REPLIES: AutoRepliesIn = { enabled: false, greeting: null, away: null, fallback: null, keywords: [], faq: null, overrides: [] };

/** The business calendar, with the zone in effect and whether the workspace's hours are open now. */
export async function getBusinessHours(ctx: Ctx): Promise<BusinessHoursOut> {
  const [row] = await ctx.db.select().from(autoreplySettings).where(eq(autoreplySettings.workspaceId, ctx.workspaceId));
  const stored = row?.businessHours as BusinessHoursIn | null | undefined;
  const zone = await zoneOf(ctx.db, ctx.workspaceId, stored);
  const weekly = Object.fromEntries(DAYS.map((d) => [d, stored?.weekly[d] ?? []]));
  const cal: Calendar = { zone, weekly: stored ? stored.weekly : null, holidays: stored?.holidays ?? [] };
  return { configured: Boolean(stored), timezone: zone, weekly, holidays: stored?.holidays ?? [], overrides: stored?.overrides ?? [], open_now: isOpenAt(cal, ctx.now) };
}

/** Replaces the business calendar (every business number named must be the workspace's). */
export async function putBusinessHours(ctx: Ctx, input: unknown): Promise<BusinessHoursOut> {
  const data = businessHoursIn.parse(input);
  await checkNumbers(ctx, (data.overrides ?? []).map((o) => o.number_id), 'overrides');
  await upsert(ctx.db, ctx.workspaceId, { businessHours: data as Record<string, unknown> });
  await recordAudit(ctx, { action: 'business_hours.updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { overrides: data.overrides?.length ?? 0, holidays: data.holidays?.length ?? 0 } });
  return getBusinessHours(ctx);
}

/** The auto-replies as stored (off until set). */
export async function getAutoReplies(ctx: Ctx): Promise<AutoRepliesOut> {
  const [row] = await ctx.db.select().from(autoreplySettings).where(eq(autoreplySettings.workspaceId, ctx.workspaceId));
  const stored = row?.autoReplies as AutoRepliesIn | null | undefined;
  return { ...DEFAULT_REPLIES, ...(stored ?? {}), updated_at: stored && row ? row.updatedAt.toISOString() : null };
}

/** Replaces the auto-replies: numbers must be the workspace's, a FAQ row's automation must exist, a keyword may answer once. */
export async function putAutoReplies(ctx: Ctx, input: unknown): Promise<AutoRepliesOut> {
  const data = autoRepliesIn.parse(input);
  checkKeywordsUnique(data);
  await checkNumbers(ctx, (data.overrides ?? []).map((o) => o.number_id), 'overrides');
  for (const [i, r] of (data.faq?.rows ?? []).entries()) {
    if (!r.automation_id) continue;
    const field = `faq.rows.${i}.automation_id`;
    try {
      await getAutomation(ctx, r.automation_id);
    } catch (err) {
      if (isAppError(err) && err.code === 'NOT_FOUND') throw invalid(field, 'no automation with this id in the workspace');
      throw err;
    }
  }
  await upsert(ctx.db, ctx.workspaceId, { autoReplies: data as Record<string, unknown> });
  await recordAudit(ctx, { action: 'auto_replies.updated', targetType: 'workspace', targetId: ctx.workspaceId, details: { enabled: data.enabled } });
  return getAutoReplies(ctx);
}

/** A 422 naming one field. */
function invalid(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `${field}: ${message}`, { fields: [{ field, message }] });
}

/** A word may start one answer only (a keyword reply or the FAQ menu), else which one goes would be arbitrary. */
function checkKeywordsUnique(data: AutoRepliesIn): void {
  const seen = new Map<string, string>();
  const note = (word: string, field: string) => {
    const n = normalizeKeyword(word);
    const first = seen.get(n);
    if (first) throw invalid(field, `"${word}" is already used at ${first}; a word may start one answer only`);
    seen.set(n, field);
  };
  (data.keywords ?? []).forEach((k, i) => k.keywords.forEach((w, j) => note(w, `keywords.${i}.keywords.${j}`)));
  (data.faq?.keywords ?? []).forEach((w, j) => note(w, `faq.keywords.${j}`));
}

async function checkNumbers(ctx: Ctx, ids: string[], field: string): Promise<void> {
  const seen = new Set<string>();
  for (const [i, id] of ids.entries()) {
    if (seen.has(id)) throw invalid(`${field}.${i}.number_id`, 'this number already has an override');
    seen.add(id);
    if (!(await hasNumber(ctx.db, ctx.workspaceId, id))) throw invalid(`${field}.${i}.number_id`, 'no business number with this id in the workspace (GET /api/v1/phone-numbers)');
  }
}

async function upsert(db: Db, workspaceId: string, set: Partial<Pick<Row, 'businessHours' | 'autoReplies'>>): Promise<void> {
  await db
    .insert(autoreplySettings)
    .values({ workspaceId, ...set, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: autoreplySettings.workspaceId, set: { ...set, updatedAt: sql`now()` } });
}

async function zoneOf(db: Db, workspaceId: string, stored: BusinessHoursIn | null | undefined): Promise<string> {
  if (stored?.timezone) return stored.timezone;
  return (await getWorkspaceSettings(db, workspaceId)).timezone ?? 'UTC';
}

/** What the scan applies in one workspace: per business number, its calendar and its replies. */
export interface WorkspaceRules {
  calendarFor(numberId: string): Calendar;
  repliesFor(numberId: string): EffectiveReplies | null;
}

/** The rules of the workspaces whose auto-replies are on (one read for the batch); others are absent. */
export async function loadRules(db: Db, workspaceIds: string[]): Promise<Map<string, WorkspaceRules>> {
  const out = new Map<string, WorkspaceRules>();
  if (workspaceIds.length === 0) return out;
  const rows = await db.select().from(autoreplySettings).where(inArray(autoreplySettings.workspaceId, workspaceIds));
  for (const row of rows) {
    const replies = row.autoReplies as AutoRepliesIn | null;
    if (!replies) continue;
    const hours = row.businessHours as BusinessHoursIn | null;
    out.set(row.workspaceId, compile(replies, hours, await zoneOf(db, row.workspaceId, hours)));
  }
  return out;
}

function compile(replies: AutoRepliesIn, hours: BusinessHoursIn | null, zone: string): WorkspaceRules {
  const text = (r: { enabled: boolean; text: string } | null | undefined) => (r?.enabled ? r.text : null);
  const words = (list: string[]) => new Set(list.map(normalizeKeyword));
  const keywords = (replies.keywords ?? []).map((k) => ({ words: words(k.keywords), text: k.text }));
  const f = replies.faq;
  const faq = f?.enabled
    ? {
        words: words(f.keywords),
        rows: new Map(f.rows.map((r) => [r.id, { ...(r.answer ? { answer: r.answer } : {}), ...(r.automation_id ? { automationId: r.automation_id } : {}) }])),
        menu: { body: f.body, button: f.button, rows: f.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}) })) },
      }
    : null;
  return {
    calendarFor(numberId) {
      if (!hours) return { zone, weekly: null, holidays: [] };
      const o = hours.overrides?.find((x) => x.number_id === numberId);
      return { zone, weekly: o?.weekly ?? hours.weekly, holidays: o?.holidays ?? hours.holidays ?? [] };
    },
    repliesFor(numberId) {
      const o = replies.overrides?.find((x) => x.number_id === numberId);
      if (!(o?.enabled ?? replies.enabled)) return null;
      const pick = <K extends 'greeting' | 'away' | 'fallback'>(k: K) => text(o && o[k] !== undefined ? o[k] : replies[k]);
      return { greeting: pick('greeting'), away: pick('away'), fallback: pick('fallback'), keywords, faq };
    },
  };
}
