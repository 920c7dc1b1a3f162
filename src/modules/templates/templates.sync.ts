// Template management against Meta: pulling a WABA's templates, submitting new ones, deleting.
import { and, eq, ne, param, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import type { SecretBox } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx } from '../context.js';
import type { NumberCredentials, RemoteTemplate, WhatsAppGateway } from '../messaging/index.js';
import { credentialsFor, listNumbers } from '../numbers/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { lintTemplate, type LintIssue } from './templates.rules.js';
import { createTemplateIn, type CreateTemplateIn, type TemplateOut } from './templates.schemas.js';
import { loadTemplate, toTemplateOut } from './templates.service.js';
import { templates } from './templates.tables.js';

/** What template management needs besides the database. */
export interface TemplateDeps {
  box: SecretBox;
  gateway: WhatsAppGateway;
}

/** One connected number per WABA of the workspace (the first by id). */
async function numbersByWaba(ctx: Ctx): Promise<Map<string, string>> {
  const page = await listNumbers(ctx, { limit: 1000 });
  const byWaba = new Map<string, string>();
  for (const n of page.data) if (!byWaba.has(n.waba_id)) byWaba.set(n.waba_id, n.id);
  return byWaba;
}

async function upsertPage(ctx: Ctx, wabaId: string, page: RemoteTemplate[]): Promise<{ created: number; updated: number }> {
  // Meta lists each (name, language) once; deduplicate anyway, since one INSERT cannot touch a row twice.
  const unique = [...new Map(page.map((t) => [`${t.name}\u0000${t.language}`, t])).values()];
  if (unique.length === 0) return { created: 0, updated: 0 };
  const rows = await ctx.db
    .insert(templates)
    .values(
      unique.map((t) => ({
        workspaceId: ctx.workspaceId,
        wabaId,
        metaId: t.id,
        name: t.name,
        language: t.language,
        category: t.category.toUpperCase(),
        status: t.status.toUpperCase(),
        qualityScore: t.qualityScore ?? 'UNKNOWN',
        components: t.components,
        parameterFormat: (t.parameterFormat ?? 'POSITIONAL').toUpperCase(),
        updatedAt: ctx.now,
        createdAt: ctx.now,
      })),
    )
    .onConflictDoUpdate({
      target: [templates.workspaceId, templates.wabaId, templates.name, templates.language],
      set: {
        metaId: sql`excluded.meta_id`,
        category: sql`excluded.category`,
        status: sql`excluded.status`,
        qualityScore: sql`excluded.quality_score`,
        components: sql`excluded.components`,
        parameterFormat: sql`excluded.parameter_format`,
        rejectionReason: sql`case when excluded.status = 'REJECTED' then ${templates.rejectionReason} else null end`,
        updatedAt: sql`excluded.updated_at`,
      },
      // Unchanged rows are left alone, so a repeated sync writes (and reports) nothing.
      setWhere: sql`(${templates.metaId}, ${templates.category}, ${templates.status}, ${templates.qualityScore}, ${templates.components}, ${templates.parameterFormat})
        is distinct from (excluded.meta_id, excluded.category, excluded.status, excluded.quality_score, excluded.components, excluded.parameter_format)`,
    })
    .returning({ inserted: sql<boolean>`(xmax = 0)` });
  const created = rows.filter((r) => r.inserted).length;
  return { created, updated: rows.length - created };
}

async function syncWaba(ctx: Ctx, gateway: WhatsAppGateway, wabaId: string, creds: NumberCredentials): Promise<{ created: number; updated: number; removed: number }> {
  const seen: { name: string; language: string }[] = [];
  let created = 0;
  let updated = 0;
  let after: string | undefined;
  do {
    const page = await gateway.listTemplates(creds, after);
    const n = await upsertPage(ctx, wabaId, page.data);
    created += n.created;
    updated += n.updated;
    for (const t of page.data) seen.push({ name: t.name, language: t.language });
    after = page.after;
  } while (after);
  // Only after every page was read: a template Meta no longer lists was deleted there.
  const removed = await ctx.db
    .update(templates)
    .set({ status: 'DELETED', updatedAt: ctx.now })
    .where(
      and(
        eq(templates.workspaceId, ctx.workspaceId),
        eq(templates.wabaId, wabaId),
        ne(templates.status, 'DELETED'),
        sql`(${templates.name}, ${templates.language}) not in (select * from unnest(${param(seen.map((s) => s.name))}::text[], ${param(seen.map((s) => s.language))}::text[]))`,
      ),
    )
    .returning({ id: templates.id });
  return { created, updated, removed: removed.length };
}

/** Pulls the templates of every WABA the workspace's numbers belong to (or of one number's WABA). */
export async function syncTemplates(ctx: Ctx, deps: TemplateDeps, numberId?: string): Promise<{ wabas: number; created: number; updated: number; removed: number }> {
  const targets = new Map<string, NumberCredentials>();
  if (numberId) {
    const creds = await credentialsFor(ctx, deps.box, numberId);
    targets.set(creds.wabaId, creds);
  } else {
    for (const [waba, id] of await numbersByWaba(ctx)) targets.set(waba, await credentialsFor(ctx, deps.box, id));
  }
  const total = { wabas: targets.size, created: 0, updated: 0, removed: 0 };
  for (const [wabaId, creds] of targets) {
    const n = await syncWaba(ctx, deps.gateway, wabaId, creds);
    total.created += n.created;
    total.updated += n.updated;
    total.removed += n.removed;
  }
  await recordAudit(ctx, { action: 'templates.synced', targetType: 'template', details: { ...total, ...(numberId ? { number_id: numberId } : {}) } });
  return total;
}

async function credsForCreate(ctx: Ctx, box: SecretBox, numberId: string | undefined): Promise<NumberCredentials> {
  if (numberId) return credentialsFor(ctx, box, numberId);
  const byWaba = await numbersByWaba(ctx);
  if (byWaba.size === 0) throw new AppError('VALIDATION_FAILED', 'connect a WhatsApp number first: templates belong to its WhatsApp Business Account', { fields: [{ field: 'number_id', message: 'no number is connected' }] });
  if (byWaba.size > 1) throw new AppError('VALIDATION_FAILED', "number_id: this workspace's numbers belong to several WhatsApp Business Accounts; say which one gets the template", { fields: [{ field: 'number_id', message: 'required when numbers belong to several WABAs' }] });
  return credentialsFor(ctx, box, [...byWaba.values()][0]!);
}

/**
 * Lints and submits a template to Meta for review, and stores it with the status Meta answered
 * (PENDING, sometimes APPROVED at once); the verdict arrives later as a status webhook.
 */
export async function createTemplate(ctx: Ctx, deps: TemplateDeps, input: CreateTemplateIn): Promise<TemplateOut & { lint: { errors: LintIssue[]; warnings: LintIssue[] } }> {
  const d = createTemplateIn.parse(input);
  const def = { name: d.name, language: d.language, category: d.category.toUpperCase(), components: d.components, parameterFormat: (d.parameter_format ?? 'POSITIONAL').toUpperCase() };
  const lint = lintTemplate(def);
  const settings = await getWorkspaceSettings(ctx.db, ctx.workspaceId);
  const templateSettings = settings.templates as { block_marketing_without_opt_out?: boolean } | null | undefined;
  if (templateSettings?.block_marketing_without_opt_out) {
    // The workspace's policy: marketing without a way out is not submitted at all.
    lint.errors.push(...lint.warnings.filter((w) => w.code === 'TEMPLATE_NO_OPT_OUT'));
    lint.warnings = lint.warnings.filter((w) => w.code !== 'TEMPLATE_NO_OPT_OUT');
  }
  if (lint.errors.length > 0) {
    const first = lint.errors[0]!;
    throw new AppError('TEMPLATE_INVALID', `${first.path}: ${first.message}${lint.errors.length > 1 ? ` (and ${lint.errors.length - 1} more)` : ''}`, { issues: lint.errors, warnings: lint.warnings });
  }
  const creds = await credsForCreate(ctx, deps.box, d.number_id);
  const [existing] = await ctx.db
    .select({ id: templates.id, status: templates.status })
    .from(templates)
    .where(and(eq(templates.workspaceId, ctx.workspaceId), eq(templates.wabaId, creds.wabaId), eq(templates.name, def.name), eq(templates.language, def.language)));
  if (existing && existing.status !== 'DELETED') {
    throw new AppError('TEMPLATE_NAME_TAKEN', `template ${def.name} (${def.language}) already exists on this WhatsApp Business Account; choose another name or language`, { template_id: existing.id, status: existing.status });
  }
  const res = await deps.gateway.createTemplate(creds, def);
  const values = { metaId: res.id, category: (res.category ?? def.category).toUpperCase(), status: (res.status ?? 'PENDING').toUpperCase(), qualityScore: 'UNKNOWN', components: def.components, parameterFormat: def.parameterFormat, rejectionReason: null, updatedAt: ctx.now };
  const [row] = await ctx.db
    .insert(templates)
    .values({ workspaceId: ctx.workspaceId, wabaId: creds.wabaId, name: def.name, language: def.language, createdAt: ctx.now, ...values })
    .onConflictDoUpdate({ target: [templates.workspaceId, templates.wabaId, templates.name, templates.language], set: values })
    .returning();
  await recordAudit(ctx, { action: 'template.created', targetType: 'template', targetId: row!.id, details: { name: def.name, language: def.language, category: values.category, status: values.status, warnings: lint.warnings.map((w) => w.code) } });
  return { ...toTemplateOut(row!), lint };
}

/** Deletes one language of a template at Meta and marks it DELETED. */
export async function deleteTemplate(ctx: Ctx, deps: TemplateDeps, id: string): Promise<TemplateOut> {
  const row = await loadTemplate(ctx, id);
  if (row.status === 'DELETED') return toTemplateOut(row);
  const numberId = (await numbersByWaba(ctx)).get(row.wabaId);
  if (!numberId || !row.metaId) {
    // Without a number on its WABA (or Meta's id, which limits the delete to this language) it cannot be deleted at Meta.
    throw new AppError('VALIDATION_FAILED', 'no connected number belongs to this template\'s WhatsApp Business Account; delete it in WhatsApp Manager, then sync', { fields: [{ field: 'id', message: 'template cannot be deleted through the API' }] });
  }
  await deps.gateway.deleteTemplate(await credentialsFor(ctx, deps.box, numberId), row.name, row.metaId);
  const [updated] = await ctx.db.update(templates).set({ status: 'DELETED', updatedAt: ctx.now }).where(and(eq(templates.id, id), eq(templates.workspaceId, ctx.workspaceId))).returning();
  await recordAudit(ctx, { action: 'template.deleted', targetType: 'template', targetId: id, details: { name: row.name, language: row.language } });
  return toTemplateOut(updated!);
}
