import { and, asc, desc, eq, ne, or, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { getContact } from '../contacts/index.js';
import type { Ctx, Db } from '../context.js';
import { idsInWorkspaces, workspaceRowById } from '../sql.js';
import { getNumber } from '../numbers/index.js';
import { checkVariableMap, exampleValues, lintTemplate, renderTemplate, templateParams, type RenderContact, type TemplateDef, type VariableMap } from './templates.rules.js';
import { previewTemplateIn, type ListTemplatesQuery, type PreviewTemplateIn, type PreviewTemplateOut, type TemplateOut } from './templates.schemas.js';
import { templates } from './templates.tables.js';

/** A stored template row. */
export type TemplateRow = typeof templates.$inferSelect;

/** A `message_template_status_update` event, normalised. */
export interface TemplateStatusChange {
  wabaId: string;
  metaId: string;
  name: string;
  language: string;
  event: string;
  reason: string | null;
  category: string | null;
  at: Date;
}

/** Applies an approval/rejection/pause webhook to every workspace that holds the template. */
export async function applyTemplateStatus(db: Db, c: TemplateStatusChange): Promise<number> {
  const rows = await db
    .update(templates)
    .set({
      status: c.event,
      metaId: c.metaId,
      ...(c.category ? { category: c.category } : {}),
      rejectionReason: c.event === 'REJECTED' ? (c.reason ?? 'NONE') : null,
      updatedAt: c.at,
    })
    .where(and(eq(templates.wabaId, c.wabaId), or(eq(templates.metaId, c.metaId), and(eq(templates.name, c.name), eq(templates.language, c.language)))))
    .returning({ id: templates.id });
  return rows.length;
}

/** Applies a `message_template_quality_update`. */
export async function applyTemplateQuality(db: Db, c: { wabaId: string; metaId: string; quality: string; at: Date }): Promise<number> {
  const rows = await db
    .update(templates)
    .set({ qualityScore: c.quality, updatedAt: c.at })
    .where(and(eq(templates.wabaId, c.wabaId), eq(templates.metaId, c.metaId)))
    .returning({ id: templates.id });
  return rows.length;
}

/** The definition rules work on, from a stored row. */
export function templateDefOf(row: TemplateRow): TemplateDef {
  return { name: row.name, language: row.language, category: row.category, components: row.components, parameterFormat: row.parameterFormat };
}

/** Maps a row to the API shape, with its parameters and lint. */
export function toTemplateOut(row: TemplateRow): TemplateOut {
  const def = templateDefOf(row);
  return {
    id: row.id,
    waba_id: row.wabaId,
    meta_id: row.metaId,
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    quality_score: row.qualityScore,
    components: row.components,
    parameter_format: row.parameterFormat,
    rejection_reason: row.rejectionReason,
    params: templateParams(def),
    lint: lintTemplate(def),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Lists the workspace's templates by name and language; DELETED ones only when `status` asks for them. */
export async function listTemplates(ctx: Ctx, q: Partial<ListTemplatesQuery>): Promise<Page<TemplateOut>> {
  const limit = q.limit ?? 50;
  const after = decodeCursor(q.cursor, { n: 'text', l: 'text', id: 'uuid' });
  const rows = await ctx.db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.workspaceId, ctx.workspaceId),
        q.status ? eq(templates.status, q.status.toUpperCase()) : ne(templates.status, 'DELETED'),
        q.category ? eq(templates.category, q.category.toUpperCase()) : undefined,
        q.language ? eq(templates.language, q.language) : undefined,
        q.name ? sql`starts_with(${templates.name}, ${q.name})` : undefined,
        after ? sql`(${templates.name}, ${templates.language}, ${templates.id}) > (${after.n}, ${after.l}, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(templates.name), asc(templates.language), asc(templates.id))
    .limit(limit + 1);
  return toPage(rows, limit, toTemplateOut, (r) => ({ n: r.name, l: r.language, id: r.id }));
}

/** The workspace's template row with this id (404 for other workspaces' ids). */
export async function loadTemplate(ctx: Ctx, id: string): Promise<TemplateRow> {
  return workspaceRowById(ctx, templates, id, 'template');
}

/** One template of the workspace. */
export async function getTemplate(ctx: Ctx, id: string): Promise<TemplateOut> {
  return toTemplateOut(await loadTemplate(ctx, id));
}

/**
 * The workspace's template with this name and language, ready to send: on the number's WABA when
 * `numberId` is given. Why: Meta accepts only APPROVED templates (132001/132015/132016 otherwise),
 * so a send or broadcast is refused up front instead of failing per recipient.
 */
export async function findSendableTemplate(ctx: Ctx, input: { name: string; language: string; numberId?: string }): Promise<TemplateRow> {
  const wabaId = input.numberId ? (await getNumber(ctx, input.numberId)).waba_id : undefined;
  const [row] = await ctx.db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, ctx.workspaceId), eq(templates.name, input.name), eq(templates.language, input.language), wabaId ? eq(templates.wabaId, wabaId) : undefined))
    .orderBy(desc(sql`${templates.status} = 'APPROVED'`), desc(templates.updatedAt))
    .limit(1);
  if (!row) {
    throw new AppError('TEMPLATE_NOT_FOUND', `no template ${input.name} (${input.language}) in this workspace${wabaId ? " on the number's WhatsApp Business Account" : ''}; sync templates or check the name and language`, {
      name: input.name,
      language: input.language,
    });
  }
  if (row.status !== 'APPROVED') {
    throw new AppError('TEMPLATE_NOT_APPROVED', `template ${row.name} (${row.language}) is ${row.status}; only APPROVED templates can be sent`, { status: row.status, template_id: row.id, name: row.name, language: row.language });
  }
  return row;
}

const SAMPLE_CONTACT: RenderContact = { name: null, profile_name: null, phone: '+15550100000', country: null, language: null, attributes: {} };

/** Throws TEMPLATE_VARIABLES_INVALID when the map does not fit the template. */
export function assertVariableMap(def: TemplateDef, map: VariableMap): void {
  const issues = checkVariableMap(def, map);
  if (issues.length > 0) throw new AppError('TEMPLATE_VARIABLES_INVALID', `${issues[0]!.path}: ${issues[0]!.problem}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, { issues });
}

/**
 * Renders a template for a contact of the workspace, for sample values, or (with neither) with
 * Meta's example values in place of every contact field and attribute.
 */
export async function previewTemplate(ctx: Ctx, id: string, input: PreviewTemplateIn): Promise<PreviewTemplateOut> {
  const d = previewTemplateIn.parse(input);
  const def = templateDefOf(await loadTemplate(ctx, id));
  let map = d.variables as VariableMap;
  let contact = SAMPLE_CONTACT;
  if (d.contact_id) {
    const c = await getContact(ctx, d.contact_id);
    contact = { name: c.name, profile_name: c.profile_name, phone: c.phone ?? '', country: c.country, language: c.language, attributes: c.attributes };
  } else if (d.sample) {
    contact = { ...SAMPLE_CONTACT, ...d.sample } as RenderContact;
  } else {
    const examples = exampleValues(def);
    map = Object.fromEntries(
      templateParams(def).map((p) => {
        const given = map[p.key];
        if (given && 'value' in given) return [p.key, given];
        return [p.key, { value: examples[p.key] ?? (p.name === 'media' ? 'https://example.com/sample.jpg' : `[${p.key}]`) }];
      }),
    );
    for (const [k, v] of Object.entries(d.variables)) if (!(k in map)) map[k] = v as VariableMap[string];
  }
  assertVariableMap(def, map);
  const r = renderTemplate(def, map, contact);
  return r.ok ? { ok: true, text: r.text, message: r.message } : { ok: false, text: null, reason: r.reason, variable: r.variable };
}

/** The workspace's template with this name and language on this WABA, whatever its status. */
export async function getTemplateByName(db: Db, workspaceId: string, t: { wabaId: string; name: string; language: string }): Promise<TemplateRow | undefined> {
  const [row] = await db
    .select()
    .from(templates)
    .where(and(eq(templates.workspaceId, workspaceId), eq(templates.wabaId, t.wabaId), eq(templates.name, t.name), eq(templates.language, t.language)));
  return row;
}

/** These templates (any workspaces, one statement), by template id. */
export async function templatesByIds(db: Db, refs: { workspaceId: string; id: string }[]): Promise<Map<string, TemplateRow>> {
  if (refs.length === 0) return new Map();
  const rows = await db.select().from(templates).where(idsInWorkspaces(templates.workspaceId, templates.id, refs));
  return new Map(rows.map((r) => [r.id, r]));
}
