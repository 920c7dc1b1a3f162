// Typed custom attributes for imported values: the contacts module's definitions and rules.
import { coerceAttribute, listAttributes } from '../contacts/index.js';
import type { Db } from '../context.js';

/** A workspace's definition of one attribute (plain data, so it can cross into the parse worker). */
export interface AttributeDef {
  key: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'enum';
  enum_values: string[] | null;
}

/** The workspace's attribute definitions. */
export async function loadAttributeDefs(db: Db, workspaceId: string): Promise<AttributeDef[]> {
  return (await listAttributes(db, workspaceId)).map((d) => ({ key: d.key, type: d.type, enum_values: d.enum_values }));
}

/** Converts a CSV cell to the attribute's type: `{ value }`, or `{ error }` saying what is expected. */
export function coerceCell(def: AttributeDef, raw: string): { value: string | number | boolean } | { error: string } {
  return coerceAttribute(def, raw) as { value: string | number | boolean } | { error: string };
}

/** True when `s` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
