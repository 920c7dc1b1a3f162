import { GraphError, missingParam } from './graph-errors.js';
import type { TemplateStore } from './template-store.js';
import { templateVariables, type TemplateRecord } from './templates.js';

/** A quick-reply button a user could tap on the delivered template. */
export interface QuickReply {
  text: string;
  payload: string;
}

/** What a valid template send resolves to. */
export interface TemplateSend {
  template: TemplateRecord;
  quickReplies: QuickReply[];
}

type Param = Record<string, unknown> & { type?: unknown };
const BODY_TYPES = new Set(['text', 'currency', 'date_time']);
const MEDIA_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);

const mismatch = (details: string) => new GraphError(132000, { details });
const wrongFormat = (details: string) => new GraphError(132012, { details });

/**
 * Checks `template` of a send against the stored template: lookup by (name, language.code),
 * status, then parameter count (132000) and type (132012) per component, as Meta does.
 */
export function checkTemplateSend(store: TemplateStore, wabaId: string, raw: unknown): TemplateSend {
  if (typeof raw !== 'object' || raw === null) throw missingParam('template');
  const tpl = raw as Record<string, unknown>;
  if (typeof tpl.name !== 'string' || tpl.name === '') throw missingParam('template.name');
  const lang = tpl.language as { code?: unknown } | undefined;
  if (typeof lang?.code !== 'string' || lang.code === '') throw missingParam('template.language.code');
  const t = store.find(wabaId, tpl.name, lang.code);
  if (!t) throw new GraphError(132001, { details: `template name (${tpl.name}) does not exist in ${lang.code}` });
  // Why: only APPROVED templates may be sent; paused and disabled ones have their own codes.
  if (t.status === 'PAUSED') throw new GraphError(132015);
  if (t.status === 'DISABLED') throw new GraphError(132016);
  if (t.status !== 'APPROVED') throw new GraphError(132001, { details: `template name (${tpl.name}) is ${t.status}, not APPROVED, in ${lang.code}` });
  if (tpl.components !== undefined && !Array.isArray(tpl.components)) throw new GraphError(131009, { details: 'template.components must be an array.' });
  const sent = ((tpl.components as unknown[] | undefined) ?? []).map((c, i) => {
    if (typeof c !== 'object' || c === null || typeof (c as Param).type !== 'string') throw missingParam(`template.components[${i}].type`);
    return c as Param & { type: string };
  });
  const byType = (type: string) => sent.filter((c) => c.type.toLowerCase() === type);
  checkHeader(t, byType('header')[0]);
  const bodyText = checkBody(t, byType('body')[0]);
  if (bodyText.length > 1024) throw new GraphError(132005);
  return { template: t, quickReplies: checkButtons(t, byType('button')) };
}

function paramsOf(c: Param | undefined, path: string): Param[] {
  if (!c || c.parameters === undefined) return [];
  if (!Array.isArray(c.parameters)) throw new GraphError(131009, { details: `${path}.parameters must be an array.` });
  return c.parameters as Param[];
}

function checkHeader(t: TemplateRecord, c: Param | undefined): void {
  const def = t.components.find((d) => d.type === 'HEADER');
  const given = paramsOf(c, 'header');
  const format = String(def?.format ?? 'TEXT');
  const expected = !def ? 0 : format === 'TEXT' ? templateVariables(def.text).length : 1;
  if (given.length !== expected) throw mismatch(`header: expected ${expected} parameter(s), got ${given.length}.`);
  const p = given[0];
  if (!p) return;
  const want = format === 'TEXT' ? 'text' : format.toLowerCase();
  if (p.type !== want) throw wrongFormat(`header: expected a ${want} parameter, got ${String(p.type)}.`);
  if (MEDIA_FORMATS.has(format)) {
    const media = p[want] as { id?: unknown; link?: unknown } | undefined;
    if (!media || (typeof media.id !== 'string' && typeof media.link !== 'string')) throw missingParam(`header.parameters[0].${want}.link or .id`);
  } else if (format === 'TEXT' && (typeof p.text !== 'string' || p.text === '')) throw missingParam('header.parameters[0].text');
}

function checkBody(t: TemplateRecord, c: Param | undefined): string {
  const def = t.components.find((d) => d.type === 'BODY');
  const text = typeof def?.text === 'string' ? def.text : '';
  const vars = templateVariables(text);
  const given = paramsOf(c, 'body');
  if (given.length !== vars.length) throw mismatch(`body: expected ${vars.length} parameter(s), got ${given.length}.`);
  const values = new Map<string, string>();
  given.forEach((p, i) => {
    if (typeof p.type !== 'string' || !BODY_TYPES.has(p.type)) throw wrongFormat(`body.parameters[${i}]: type must be text, currency or date_time.`);
    const value = p.type === 'text' ? p.text : (p[p.type] as { fallback_value?: unknown } | undefined)?.fallback_value;
    if (typeof value !== 'string' || value === '') throw missingParam(`body.parameters[${i}].${p.type === 'text' ? 'text' : `${p.type}.fallback_value`}`);
    if (t.parameterFormat === 'NAMED') {
      if (typeof p.parameter_name !== 'string') throw wrongFormat(`body.parameters[${i}]: parameter_name is required for a NAMED template.`);
      if (!vars.includes(p.parameter_name)) throw mismatch(`body.parameters[${i}]: the template has no parameter named ${p.parameter_name}.`);
      values.set(p.parameter_name, value);
    } else values.set(String(i + 1), value);
  });
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_m, name: string) => values.get(name) ?? '');
}

function checkButtons(t: TemplateRecord, given: Param[]): QuickReply[] {
  const defs = (t.components.find((d) => d.type === 'BUTTONS')?.buttons as Record<string, unknown>[] | undefined) ?? [];
  const payloads = new Map<number, string>();
  const seen = new Set<number>();
  given.forEach((c, i) => {
    if (c.index === undefined) throw missingParam(`button component ${i}: index`);
    if (typeof c.sub_type !== 'string') throw missingParam(`button component ${i}: sub_type`);
    const index = Number(c.index);
    if (!Number.isInteger(index) || index < 0 || index >= defs.length) throw new GraphError(131009, { details: `button index ${String(c.index)} does not exist in the template.` });
    seen.add(index);
    const p = paramsOf(c, `button[${index}]`)[0];
    if (c.sub_type === 'quick_reply' && p && typeof p.payload === 'string') payloads.set(index, p.payload);
  });
  // Dynamic URL buttons and one-time-password buttons need their parameter on every send.
  defs.forEach((d, index) => {
    const dynamic = (d.type === 'URL' && templateVariables(d.url).length > 0) || d.type === 'OTP';
    if (dynamic && !seen.has(index)) throw mismatch(`button ${index} (${String(d.type)}) needs a parameter.`);
  });
  const out: QuickReply[] = [];
  defs.forEach((d, index) => {
    if (d.type === 'QUICK_REPLY') out.push({ text: String(d.text ?? ''), payload: payloads.get(index) ?? String(d.text ?? '') });
  });
  return out;
}
