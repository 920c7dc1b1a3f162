import { asc, eq } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import { attributeDefinitionIn, type AttributeDefinitionOut } from './contacts.schemas.js';
import { attributeDefinitions } from './contacts.tables.js';

function toOut(r: typeof attributeDefinitions.$inferSelect): AttributeDefinitionOut {
  return { id: r.id, key: r.key, label: r.label, type: r.type as AttributeDefinitionOut['type'], enum_values: r.enumValues, created_at: r.createdAt.toISOString() };
}

/** Defines a custom attribute; every later write of it is checked against its type. */
export async function defineAttribute(ctx: Ctx, input: unknown): Promise<AttributeDefinitionOut> {
  const data = attributeDefinitionIn.parse(input);
  const [row] = await ctx.db
    .insert(attributeDefinitions)
    .values({ workspaceId: ctx.workspaceId, key: data.key, label: data.label ?? null, type: data.type, enumValues: data.enum_values ?? null, createdAt: ctx.now })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new AppError('ATTRIBUTE_KEY_TAKEN', `an attribute with key "${data.key}" is already defined`, { field: 'key' });
  await recordAudit(ctx, { action: 'attribute.defined', targetType: 'attribute', targetId: row.id, details: { key: row.key, type: row.type } });
  return toOut(row);
}

/** The workspace's attribute definitions. */
export async function listAttributes(db: Db, workspaceId: string): Promise<AttributeDefinitionOut[]> {
  const rows = await db.select().from(attributeDefinitions).where(eq(attributeDefinitions.workspaceId, workspaceId)).orderBy(asc(attributeDefinitions.key));
  return rows.map(toOut);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks one value against its definition and returns the value to store (numbers and booleans
 * given as text, e.g. from a CSV, are converted), or an error message naming the fix.
 */
export function coerceAttribute(def: Pick<AttributeDefinitionOut, 'type' | 'enum_values'>, value: unknown): { value: unknown } | { error: string } {
  switch (def.type) {
    case 'string':
      return typeof value === 'string' || typeof value === 'number' ? { value: String(value) } : { error: 'must be text' };
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : NaN;
      return Number.isFinite(n) ? { value: n } : { error: 'must be a number, e.g. 42 or 3.5' };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      const s = String(value).trim().toLowerCase();
      if (['true', 'yes', '1', 'y'].includes(s)) return { value: true };
      if (['false', 'no', '0', 'n'].includes(s)) return { value: false };
      return { error: 'must be true or false' };
    }
    case 'date': {
      const s = String(value).trim();
      const d = new Date(`${s}T00:00:00Z`);
      return DATE.test(s) && !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s) ? { value: s } : { error: 'must be a date as YYYY-MM-DD' };
    }
    case 'enum':
      return typeof value === 'string' && (def.enum_values ?? []).includes(value) ? { value } : { error: `must be one of: ${(def.enum_values ?? []).join(', ')}` };
  }
}

/**
 * Validates custom attributes against the workspace's definitions. Unknown keys and wrong types
 * fail with ATTRIBUTE_INVALID naming the field (`attributes.<key>`); null means "remove".
 */
export async function validateAttributes(db: Db, workspaceId: string, attrs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const defs = new Map((await listAttributes(db, workspaceId)).map((d) => [d.key, d]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const def = defs.get(key);
    if (!def) throw new AppError('ATTRIBUTE_INVALID', `attributes.${key}: no such attribute; define it first (POST /api/v1/attributes)`, { field: `attributes.${key}` });
    if (value === null) {
      out[key] = null;
      continue;
    }
    const res = coerceAttribute(def, value);
    if ('error' in res) throw new AppError('ATTRIBUTE_INVALID', `attributes.${key}: ${res.error}`, { field: `attributes.${key}` });
    out[key] = res.value;
  }
  return out;
}
