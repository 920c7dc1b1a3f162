// Message templates through the public API (/api/v1/templates).
import { apiRequest, query, type Page } from './api-client';

/** One parameter of a template: `body.1`, `header.1`, `button.0`, `header.media`, … */
export interface TemplateParam {
  key: string;
  component: 'header' | 'body' | 'button';
  index?: string;
  name: string;
}
/** One finding of Meta's creation rules; errors block a submission, warnings do not. */
export interface LintIssue {
  code: string;
  path: string;
  message: string;
}
/** A template as the API shows it (Meta's components, the parameters found in them, lint). */
export interface Template {
  id: string;
  waba_id: string;
  meta_id: string | null;
  name: string;
  language: string;
  category: string;
  status: string;
  quality_score: string;
  components: unknown[];
  parameter_format: string;
  rejection_reason: string | null;
  params: TemplateParam[];
  lint: { errors: LintIssue[]; warnings: LintIssue[] };
  created_at: string;
  updated_at: string;
}
/** Where a variable's value comes from when a message is rendered. */
export type VariableSource = { field: string; fallback?: string } | { attribute: string; fallback?: string } | { value: string } | { tracked_link: number };
/** The hydrated text, or why this contact would be skipped. */
export interface TemplatePreview {
  ok: boolean;
  text: string | null;
  reason?: string;
  variable?: string;
}
/** A stand-in contact for previews. */
export interface SampleContact {
  name?: string | null;
  phone?: string;
  country?: string | null;
  language?: string | null;
  attributes?: Record<string, unknown>;
}
/** What a sync changed. */
export interface SyncResult {
  wabas: number;
  created: number;
  updated: number;
  removed: number;
}

/** Templates of the workspace by name (DELETED ones only when asked for by status). */
export const listTemplates = (filter: { status?: string } = {}) => apiRequest<Page<Template>>('GET', `/templates${query({ status: filter.status, limit: 1000 })}`);
/** Pulls templates from Meta for every business account of the workspace's numbers. */
export const syncTemplates = () => apiRequest<SyncResult>('POST', '/templates/sync');
/** Renders a template: with no sample, Meta's example values stand in for the variables not given as fixed text. */
export const previewTemplate = (id: string, input: { variables: Record<string, VariableSource>; sample?: SampleContact }) =>
  apiRequest<TemplatePreview>('POST', `/templates/${encodeURIComponent(id)}/preview`, input);
