// The composer's variable mapping: one editable row per template parameter, turned into the API's sources.
import type { ContactFieldName, TemplateParam, VariableSource } from './templates-api';

export type SourceKind = 'field' | 'attribute' | 'value';

/** One row as edited: every input keeps its text while the kind changes. */
export interface VariableDraft {
  kind: SourceKind;
  field: ContactFieldName;
  attribute: string;
  value: string;
  fallback: string;
}

export const EMPTY_DRAFT: VariableDraft = { kind: 'field', field: 'first_name', attribute: '', value: '', fallback: '' };

/** Drafts for a template's parameters, keeping what was typed for the keys that stay. */
export function draftsFor(params: TemplateParam[], current: Record<string, VariableDraft>): Record<string, VariableDraft> {
  return Object.fromEntries(params.map((p) => [p.key, current[p.key] ?? (p.name === 'media' ? { ...EMPTY_DRAFT, kind: 'value' as const } : EMPTY_DRAFT)]));
}

/** What is missing in a row, or undefined when it is complete. */
export function draftProblem(d: VariableDraft): string | undefined {
  if (d.kind === 'value' && d.value.trim() === '') return 'type the text to send';
  if (d.kind === 'attribute' && d.attribute.trim() === '') return 'choose an attribute';
  return undefined;
}

/** The API source of a complete row. An empty fallback means "skip the contact when the value is empty". */
export function sourceOf(d: VariableDraft): VariableSource {
  const fallback = d.fallback === '' ? {} : { fallback: d.fallback };
  if (d.kind === 'field') return { field: d.field, ...fallback };
  if (d.kind === 'attribute') return { attribute: d.attribute.trim(), ...fallback };
  return { value: d.value };
}

/** The variables of complete drafts, or undefined when a row is incomplete. */
export function variablesOf(drafts: Record<string, VariableDraft>): Record<string, VariableSource> | undefined {
  const entries = Object.entries(drafts);
  if (entries.some(([, d]) => draftProblem(d))) return undefined;
  return Object.fromEntries(entries.map(([k, d]) => [k, sourceOf(d)]));
}
