// A hosted form's logo: uploaded bytes checked by their magic bytes, stored per form, served by Greenlist.
import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import { workspaceRowById } from '../sql.js';
import { LOGO_MAX_BYTES, logoIn, type LogoType } from './optin.schemas.js';
import { optinLogos, optinSources } from './optin.tables.js';

const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', `${field}: ${message}`, { fields: [{ field, message }] });

/** The image type the bytes really are (PNG, JPEG or WebP signature), whatever the upload claimed; undefined otherwise. */
export function sniffImageType(bytes: Buffer): LogoType | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/** A stored logo's description. */
export interface LogoInfo {
  contentType: LogoType;
  size: number;
  sha256: string;
  updatedAt: Date;
}

async function formRow(ctx: Ctx, id: string) {
  const row = await workspaceRowById(ctx, optinSources, id, 'opt-in source');
  if (row.kind !== 'form') throw invalid('kind', 'only sources of kind "form" have a sign-up page with a logo');
  return row;
}

/**
 * Stores (replaces) a form's logo. The bytes must be a PNG, JPEG or WebP of at most 200 KB and
 * must be the type the upload names: a renamed file or a forged header is refused, never sniffed.
 */
export async function saveOptinLogo(ctx: Ctx, id: string, input: unknown): Promise<LogoInfo> {
  const d = logoIn.parse(input);
  const row = await formRow(ctx, id);
  const bytes = Buffer.from(d.data, 'base64');
  if (bytes.length > LOGO_MAX_BYTES) throw invalid('data', `the image is ${Math.ceil(bytes.length / 1024)} KB; it must be at most 200 KB`);
  const real = sniffImageType(bytes);
  if (!real) throw invalid('data', 'the file is not a PNG, JPEG or WebP image (its contents do not match any of them)');
  if (real !== d.content_type) throw invalid('data', `the file says ${d.content_type} but its contents are ${real}; upload the image unchanged`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const now = ctx.now;
  const values = { sourceId: row.id, workspaceId: ctx.workspaceId, contentType: real, bytes, size: bytes.length, sha256, updatedAt: now };
  await ctx.db.insert(optinLogos).values(values).onConflictDoUpdate({ target: optinLogos.sourceId, set: { contentType: real, bytes, size: bytes.length, sha256, updatedAt: now } });
  // The source changes with its page: the admin preview and lists see a new updated_at.
  await ctx.db.update(optinSources).set({ updatedAt: now }).where(eq(optinSources.id, row.id));
  await recordAudit(ctx, { action: 'optin_source.logo_set', targetType: 'optin_source', targetId: row.id, details: { content_type: real, size: bytes.length } });
  return { contentType: real, size: bytes.length, sha256, updatedAt: now };
}

/** Removes a form's logo; true when there was one. */
export async function deleteOptinLogo(ctx: Ctx, id: string): Promise<boolean> {
  const row = await formRow(ctx, id);
  const gone = await ctx.db.delete(optinLogos).where(eq(optinLogos.sourceId, row.id)).returning({ id: optinLogos.sourceId });
  if (gone.length > 0) await ctx.db.update(optinSources).set({ updatedAt: ctx.now }).where(eq(optinSources.id, row.id));
  if (gone.length > 0) await recordAudit(ctx, { action: 'optin_source.logo_removed', targetType: 'optin_source', targetId: row.id, details: {} });
  return gone.length > 0;
}

/** A form's logo bytes, for serving; undefined when it has none. */
export async function logoOfSource(db: Db, sourceId: string): Promise<{ contentType: LogoType; bytes: Buffer; sha256: string } | undefined> {
  const [row] = await db.select({ contentType: optinLogos.contentType, bytes: optinLogos.bytes, sha256: optinLogos.sha256 }).from(optinLogos).where(eq(optinLogos.sourceId, sourceId));
  return row ? { contentType: row.contentType as LogoType, bytes: Buffer.from(row.bytes), sha256: row.sha256 } : undefined;
}

/** The admin's read of a form's logo (signed-in workspace only, drafts included). */
export async function adminLogoOf(ctx: Ctx, id: string): Promise<{ contentType: LogoType; bytes: Buffer; sha256: string }> {
  const row = await workspaceRowById(ctx, optinSources, id, 'opt-in source');
  const logo = await logoOfSource(ctx.db, row.id);
  if (!logo) throw new AppError('NOT_FOUND', 'this opt-in source has no logo', {});
  return logo;
}

/** The version tag of a form's logo (its hash prefix), or null when it has none: the page's image URL carries it. */
export async function logoVersionOf(db: Db, sourceId: string): Promise<string | null> {
  const [row] = await db.select({ sha256: optinLogos.sha256 }).from(optinLogos).where(eq(optinLogos.sourceId, sourceId));
  return row ? row.sha256.slice(0, 12) : null;
}
