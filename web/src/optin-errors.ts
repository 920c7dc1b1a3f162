// Which field of the opt-in source form an API error is about, so it shows next to that field.
import { ApiError } from './api-client';

/** Field problems by field name (`keyword`, `page.privacy_url`...), and the whole message as a summary. */
export interface FieldErrors {
  byField: Record<string, string>;
  general?: string;
}

/**
 * Reads the fields an API error names: `details.fields` (validation), `details.field` (a taken
 * keyword or slug) and `details.missing` (what publishing a form still needs).
 */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (!(err instanceof ApiError)) return { byField: {}, general: err instanceof Error ? err.message : String(err) };
  const byField: Record<string, string> = {};
  const d = err.details;
  if (Array.isArray(d.fields)) {
    for (const f of d.fields as { field?: unknown; message?: unknown }[]) {
      if (typeof f.field === 'string') byField[f.field.replace(/^body\./, '')] ??= typeof f.message === 'string' ? f.message : err.message;
    }
  }
  if (typeof d.field === 'string') byField[d.field] = err.message;
  if (Array.isArray(d.missing)) for (const m of d.missing) if (typeof m === 'string') byField[m] = 'needed before the page can be published';
  // The message also shows as a summary: a field below the fold is easy to miss.
  return { byField, general: err.message };
}
