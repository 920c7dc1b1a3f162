// Saved import mappings: a workspace keeps the mappings it reuses by name, beside the built-in
// presets; an import may name one (`mapping_id`) and add or replace keys (topics, list…).
import { and, eq, sql } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import type { Ctx, Db } from '../context.js';
import { importMappingIn, type SavedMappingOut } from './imports.schemas.js';
import { importMappings } from './imports.tables.js';
import { MAPPING_PRESETS } from './mappings.presets.js';
import { invalid } from './invalid.js';

const PRESET_PREFIX = 'preset:';

/** The presets first, then the workspace's saved mappings by name. */
export async function listMappings(ctx: Ctx): Promise<SavedMappingOut[]> {
  const saved = await ctx.db.select().from(importMappings).where(eq(importMappings.workspaceId, ctx.workspaceId)).orderBy(importMappings.name);
  return [
    ...MAPPING_PRESETS.map((p) => ({ id: `${PRESET_PREFIX}${p.key}`, name: p.name, preset: true, mapping: p.mapping, note: p.note, updated_at: null })),
    ...saved.map((m) => ({ id: m.id, name: m.name, preset: false, mapping: m.mapping, note: null, updated_at: m.updatedAt.toISOString() })),
  ];
}

/** Saves a mapping under a name (the same name replaces it); the mapping is checked as an import would check it. */
export async function saveMapping(ctx: Ctx, input: { name: string; mapping: unknown }): Promise<SavedMappingOut> {
  const parsed = importMappingIn.safeParse(input.mapping);
  if (!parsed.success) throw invalid('mapping', parsed.error);
  const [row] = await ctx.db
    .insert(importMappings)
    .values({ workspaceId: ctx.workspaceId, name: input.name, mapping: input.mapping as Record<string, unknown> })
    .onConflictDoUpdate({ target: [importMappings.workspaceId, importMappings.name], set: { mapping: input.mapping as Record<string, unknown>, updatedAt: sql`now()` } })
    .returning();
  return { id: row!.id, name: row!.name, preset: false, mapping: row!.mapping, note: null, updated_at: row!.updatedAt.toISOString() };
}

/** Deletes a saved mapping (presets cannot be deleted). */
export async function deleteMapping(ctx: Ctx, id: string): Promise<void> {
  if (id.startsWith(PRESET_PREFIX)) throw new AppError('VALIDATION_FAILED', 'a built-in preset cannot be deleted', { fields: [{ field: 'id', message: 'a preset' }] });
  const gone = await ctx.db.delete(importMappings).where(and(eq(importMappings.id, id), eq(importMappings.workspaceId, ctx.workspaceId))).returning({ id: importMappings.id });
  if (gone.length === 0) throw notFound('import mapping', id);
}

/**
 * The mapping an import runs with: the saved mapping or preset `mappingId` names, with the keys
 * given beside it on top (a key given replaces the saved one whole: `topics` is not merged).
 */
export async function resolveMapping(db: Db, workspaceId: string, mappingId: string | undefined, given: unknown): Promise<unknown> {
  if (mappingId === undefined) return given;
  const base = mappingId.startsWith(PRESET_PREFIX) ? MAPPING_PRESETS.find((p) => `${PRESET_PREFIX}${p.key}` === mappingId)?.mapping : await savedMapping(db, workspaceId, mappingId);
  if (!base) {
    throw new AppError('NOT_FOUND', `mapping_id: no saved mapping or preset ${JSON.stringify(mappingId.slice(0, 80))}; GET /api/v1/import-mappings lists them`, { field: 'mapping_id' });
  }
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given))) return given;
  return { ...base, ...((given as Record<string, unknown> | undefined) ?? {}) };
}

async function savedMapping(db: Db, workspaceId: string, id: string): Promise<Record<string, unknown> | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await db.select().from(importMappings).where(and(eq(importMappings.id, id), eq(importMappings.workspaceId, workspaceId)));
  return row?.mapping;
}
