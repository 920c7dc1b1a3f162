// Message templates through the public API (/api/v1/templates).
import { gl, unwrap } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** A template as the API shows it (Meta's components, the parameters found in them, lint). */
export type Template = ItemOf<ResponseOf<'/api/v1/templates', 'get'>>;
/** One parameter of a template: `body.1`, `header.1`, `button.0`, `header.media`, … */
export type TemplateParam = Template['params'][number];
/** One finding of Meta's creation rules; errors block a submission, warnings do not. */
export type LintIssue = Template['lint']['errors'][number];
/** Where a variable's value comes from when a message is rendered (a contact field, an attribute, fixed text or a tracked link). */
export type VariableSource = NonNullable<BodyOf<'/api/v1/broadcasts', 'post'>['template']['variables']>[string];
/** The contact fields a variable can take its value from. */
export type ContactFieldName = Extract<VariableSource, { field: unknown }>['field'];
/** The hydrated text, or why this contact would be skipped. */
export type TemplatePreview = ResponseOf<'/api/v1/templates/{id}/preview', 'post'>;
/** A stand-in contact for previews. */
export type SampleContact = NonNullable<BodyOf<'/api/v1/templates/{id}/preview', 'post'>['sample']>;
/** What a sync changed. */
export type SyncResult = ResponseOf<'/api/v1/templates/sync', 'post'>;

/** Templates of the workspace by name (DELETED ones only when asked for by status). */
export const listTemplates = (filter: { status?: string } = {}) => unwrap(gl.GET('/api/v1/templates', { params: { query: { status: filter.status, limit: 1000 } } }));
/** Pulls templates from Meta for every business account of the workspace's numbers. */
export const syncTemplates = () => unwrap(gl.POST('/api/v1/templates/sync', { body: {} }));
/** Renders a template: with no sample, Meta's example values stand in for the variables not given as fixed text. */
export const previewTemplate = (id: string, input: { variables: Record<string, VariableSource>; sample?: SampleContact }) =>
  unwrap(gl.POST('/api/v1/templates/{id}/preview', { params: { path: { id } }, body: input }));
/** What lint and submit take: Meta's creation shape. */
export type TemplateDefinition = BodyOf<'/api/v1/templates/lint', 'post'>;
/** Lint findings of a definition: errors block a submission, warnings do not. */
export type LintResult = ResponseOf<'/api/v1/templates/lint', 'post'>;
/** Checks a definition against Meta's rules without submitting it. */
export const lintTemplate = (def: TemplateDefinition) => unwrap(gl.POST('/api/v1/templates/lint', { body: def }));
/** Lints and submits a template to Meta for review; a 422 TEMPLATE_INVALID carries the findings in details.issues. */
export const createTemplate = (def: TemplateDefinition & { number_id?: string }) => unwrap(gl.POST('/api/v1/templates', { body: def }));
