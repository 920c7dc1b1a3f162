// Pure template logic: which parameters a template takes, how a variable map fills them for one
// contact (the Cloud API send components plus the hydrated text), and Meta's creation rules as lint.
// No I/O. Component shapes are Meta's creation/list shape (docs/whatsapp-cloud-api.md §4).
import type { TemplateComponentParams, TemplateParameter } from '../messaging/index.js';

/** A template as Meta lists it (upper-case category and component types). */
export interface TemplateDef {
  name: string;
  language: string;
  category: string;
  components: unknown[];
  parameterFormat: string;
}

/** One parameter a send must fill: `body.1`, `body.customer_name`, `header.1`, `header.media`, `button.0`. */
export interface TemplateParam {
  key: string;
  component: 'header' | 'body' | 'button';
  /** The button's position (buttons only), as the send's `index`. */
  index?: string;
  /** The variable's name (`1`, `customer_name`), or `media` for a media header. */
  name: string;
}

/** The contact fields a variable can take its value from. */
export const VARIABLE_FIELDS = ['name', 'first_name', 'profile_name', 'phone', 'country', 'language'] as const;

/** Where a variable's value comes from: a contact field, a custom attribute, or a fixed value. */
export type VariableSource =
  | { field: 'name' | 'first_name' | 'profile_name' | 'phone' | 'country' | 'language'; fallback?: string }
  | { attribute: string; fallback?: string }
  | { value: string };

/** Parameter key → source. */
export type VariableMap = Record<string, VariableSource>;

/** The contact data rendering may use. */
export interface RenderContact {
  name: string | null;
  profile_name: string | null;
  phone: string;
  country: string | null;
  language: string | null;
  attributes: Record<string, unknown>;
}

/** A rendered send, or why this contact cannot get it. */
export type RenderResult =
  | { ok: true; message: { type: 'template'; name: string; language: string; components?: TemplateComponentParams[] }; text: string }
  | { ok: false; reason: string; variable: string };

/** A lint finding: `code` is stable, `path` points into the definition (`components[1].text`). */
export interface LintIssue {
  code: string;
  path: string;
  message: string;
}

type Comp = Record<string, unknown> & { type?: unknown };

const VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'] as const;

function componentsOf(t: TemplateDef): Comp[] {
  return (Array.isArray(t.components) ? t.components : []).filter((c): c is Comp => typeof c === 'object' && c !== null);
}

function typeOf(c: Comp): string {
  return typeof c.type === 'string' ? c.type.toUpperCase() : '';
}

function findComp(t: TemplateDef, type: string): Comp | undefined {
  return componentsOf(t).find((c) => typeOf(c) === type);
}

function headerFormat(c: Comp | undefined): string {
  return typeof c?.format === 'string' ? c.format.toUpperCase() : 'TEXT';
}

/** The distinct variable names of a text, in order of first appearance. */
export function variablesOf(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

function ordered(names: string[], named: boolean): string[] {
  // Positional parameters are sent in number order, whatever order the text uses them in.
  return named ? names : [...names].sort((a, b) => Number(a) - Number(b));
}

function buttonsOf(t: TemplateDef): Comp[] {
  const b = findComp(t, 'BUTTONS')?.buttons;
  return Array.isArray(b) ? b.filter((x): x is Comp => typeof x === 'object' && x !== null) : [];
}

/** The parameters a send of this template must fill, in send order. */
export function templateParams(t: TemplateDef): TemplateParam[] {
  const named = t.parameterFormat.toUpperCase() === 'NAMED';
  const out: TemplateParam[] = [];
  const header = findComp(t, 'HEADER');
  if (header) {
    if ((MEDIA_FORMATS as readonly string[]).includes(headerFormat(header))) out.push({ key: 'header.media', component: 'header', name: 'media' });
    else if (headerFormat(header) === 'TEXT') for (const n of ordered(variablesOf(header.text), named)) out.push({ key: `header.${n}`, component: 'header', name: n });
  }
  for (const n of ordered(variablesOf(findComp(t, 'BODY')?.text), named)) out.push({ key: `body.${n}`, component: 'body', name: n });
  buttonsOf(t).forEach((b, i) => {
    // Only a URL button's dynamic suffix takes a parameter (one variable, `{{1}}`, at the end of the URL).
    if (typeOf(b) === 'URL') {
      const v = variablesOf(b.url)[0];
      if (v !== undefined) out.push({ key: `button.${i}`, component: 'button', index: String(i), name: v });
    }
  });
  return out;
}

/** Meta's example value for each parameter key, where the template carries one. */
export function exampleValues(t: TemplateDef): Record<string, string> {
  const out: Record<string, string> = {};
  const named = t.parameterFormat.toUpperCase() === 'NAMED';
  const fill = (prefix: string, text: unknown, example: unknown, positionalKey: string, namedKey: string) => {
    const ex = (typeof example === 'object' && example !== null ? example : {}) as Record<string, unknown>;
    if (named) {
      const list = ex[namedKey];
      if (Array.isArray(list)) for (const p of list as { param_name?: unknown; example?: unknown }[]) if (typeof p?.param_name === 'string' && p.example !== undefined) out[`${prefix}.${p.param_name}`] = String(p.example);
      return;
    }
    const raw = ex[positionalKey];
    const values = Array.isArray(raw) ? (Array.isArray(raw[0]) ? (raw[0] as unknown[]) : (raw as unknown[])) : [];
    for (const n of variablesOf(text)) if (values[Number(n) - 1] !== undefined) out[`${prefix}.${n}`] = String(values[Number(n) - 1]);
  };
  const header = findComp(t, 'HEADER');
  if (header && headerFormat(header) === 'TEXT') fill('header', header.text, header.example, 'header_text', 'header_text_named_params');
  const body = findComp(t, 'BODY');
  if (body) fill('body', body.text, body.example, 'body_text', 'body_text_named_params');
  buttonsOf(t).forEach((b, i) => {
    if (typeOf(b) === 'URL' && Array.isArray(b.example) && b.example[0] !== undefined && variablesOf(b.url).length > 0) {
      const url = String(b.example[0]);
      const prefix = typeof b.url === 'string' ? b.url.split('{{')[0]! : '';
      // Meta's URL example is the whole URL; the parameter is only the suffix after the fixed part.
      out[`button.${i}`] = url.startsWith(prefix) ? url.slice(prefix.length) : url;
    }
  });
  return out;
}

const pathOf = (key: string) => `template.variables[${JSON.stringify(key)}]`;

function sourceProblem(param: TemplateParam | undefined, s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null || Array.isArray(s)) return 'must be an object: {"field": "first_name"}, {"attribute": "plan"} or {"value": "text"}';
  const src = s as Record<string, unknown>;
  const kinds = ['field', 'attribute', 'value'].filter((k) => k in src);
  if (kinds.length !== 1) return 'give exactly one of "field", "attribute" or "value"';
  const allowed = new Set([kinds[0]!, ...(kinds[0] === 'value' ? [] : ['fallback'])]);
  const extra = Object.keys(src).filter((k) => !allowed.has(k));
  if (extra.length > 0) return `unknown key${extra.length > 1 ? 's' : ''} ${extra.join(', ')}${kinds[0] === 'value' ? ' (a fixed value needs no fallback)' : ''}`;
  if ('fallback' in src && (typeof src.fallback !== 'string' || src.fallback.trim() === '')) return 'fallback must be non-empty text';
  if (param?.name === 'media' && param.component === 'header') {
    if (typeof src.value !== 'string' || !/^https:\/\/\S+$/i.test(src.value)) return 'a media header needs {"value": "https://…"}: a public https link to the image, video or PDF';
    return undefined;
  }
  if (kinds[0] === 'field' && !(VARIABLE_FIELDS as readonly string[]).includes(src.field as string)) return `field must be one of ${VARIABLE_FIELDS.join(', ')}`;
  if (kinds[0] === 'attribute' && (typeof src.attribute !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(src.attribute))) return 'attribute must be an attribute key such as "plan"';
  if (kinds[0] === 'value' && (typeof src.value !== 'string' || src.value.trim() === '')) return 'value must be non-empty text';
  return undefined;
}

/** Problems with a variable map for this template: unknown keys, parameters without a source, bad sources. */
export function checkVariableMap(t: TemplateDef, map: VariableMap): { path: string; problem: string }[] {
  const params = templateParams(t);
  const byKey = new Map(params.map((p) => [p.key, p]));
  const problems: { path: string; problem: string }[] = [];
  const known = params.map((p) => p.key).join(', ') || 'none';
  const given = (typeof map === 'object' && map !== null ? map : {}) as Record<string, unknown>;
  for (const [key, src] of Object.entries(given)) {
    if (!byKey.has(key)) {
      problems.push({ path: pathOf(key), problem: `this template has no variable ${key}; its variables are: ${known}` });
      continue;
    }
    const problem = sourceProblem(byKey.get(key), src);
    if (problem) problems.push({ path: pathOf(key), problem });
  }
  for (const p of params) if (!(p.key in given)) problems.push({ path: pathOf(p.key), problem: `no source for ${p.key}; map it to a contact field, an attribute or a fixed value` });
  return problems;
}

/** Parameter text as Meta accepts it: no newlines or tabs, no runs of 4+ spaces (132012/132007), trimmed. */
export function cleanParamText(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ').replace(/ {4,}/g, ' ').trim();
}

function attributeText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.filter((x) => ['string', 'number', 'boolean'].includes(typeof x)).join(', ');
  return '';
}

function firstWord(s: string | null): string {
  return s?.trim().split(/\s+/)[0] ?? '';
}

type Getter = (c: RenderContact) => string;

function getterOf(src: VariableSource | undefined): { get: Getter; label: string; fallback: string | undefined } {
  if (!src) return { get: () => '', label: 'no source', fallback: undefined };
  if ('value' in src) {
    const v = String(src.value);
    return { get: () => v, label: 'value', fallback: undefined };
  }
  const fallback = src.fallback === undefined ? undefined : cleanParamText(src.fallback) || undefined;
  if ('attribute' in src) {
    const key = src.attribute;
    return { get: (c) => attributeText(c.attributes?.[key]), label: `attribute ${key}`, fallback };
  }
  const fields: Record<string, Getter> = {
    // `name` is the name the business gave the contact, else the name they show on WhatsApp.
    name: (c) => c.name ?? c.profile_name ?? '',
    first_name: (c) => firstWord(c.name) || firstWord(c.profile_name),
    profile_name: (c) => c.profile_name ?? '',
    phone: (c) => c.phone,
    country: (c) => c.country ?? '',
    language: (c) => c.language ?? '',
  };
  return { get: fields[src.field] ?? (() => ''), label: src.field, fallback };
}

type Slot = { key: string; param: TemplateParam; get: Getter; label: string; fallback: string | undefined };
type Part = string | { slot: number };

function partsOf(text: unknown, prefix: string, slotIndex: Map<string, number>): Part[] {
  if (typeof text !== 'string') return [];
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(VAR)) {
    parts.push(text.slice(last, m.index));
    const i = slotIndex.get(`${prefix}.${m[1]}`);
    parts.push(i === undefined ? m[0] : { slot: i });
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

/**
 * Precompiles a template and a (checked) variable map into a per-contact renderer. Why: a
 * broadcast renders once per recipient at up to 1,000/s, so parsing the template happens once.
 */
export function compileTemplate(t: TemplateDef, map: VariableMap): (contact: RenderContact) => RenderResult {
  const named = t.parameterFormat.toUpperCase() === 'NAMED';
  const params = templateParams(t);
  const slots: Slot[] = params.map((p) => ({ key: p.key, param: p, ...getterOf(map[p.key]) }));
  const slotIndex = new Map(slots.map((s, i) => [s.key, i]));
  const header = findComp(t, 'HEADER');
  const format = headerFormat(header);
  const textParts: Part[][] = [];
  if (header && format === 'TEXT') textParts.push(partsOf(header.text, 'header', slotIndex));
  textParts.push(partsOf(findComp(t, 'BODY')?.text, 'body', slotIndex));
  const footer = findComp(t, 'FOOTER');
  if (footer && typeof footer.text === 'string') textParts.push([footer.text]);
  const headerSlots = slots.map((s, i) => (s.param.component === 'header' ? i : -1)).filter((i) => i >= 0);
  const bodySlots = slots.map((s, i) => (s.param.component === 'body' ? i : -1)).filter((i) => i >= 0);
  const buttonSlots = slots.map((s, i) => (s.param.component === 'button' ? i : -1)).filter((i) => i >= 0);
  const mediaType = format.toLowerCase() as 'image' | 'video' | 'document';
  const textParam = (s: Slot, text: string): TemplateParameter => (named ? { type: 'text', parameter_name: s.param.name, text } : { type: 'text', text });

  return (contact) => {
    const values: string[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const v = cleanParamText(s.get(contact)) || s.fallback;
      if (!v) return { ok: false, reason: `variable ${s.key} (${s.label}) has no value for this contact and no fallback`, variable: s.key };
      values[i] = v;
    }
    const components: TemplateComponentParams[] = [];
    if (headerSlots.length > 0) {
      components.push({
        type: 'header',
        parameters: headerSlots.map((i) => (slots[i]!.param.name === 'media' ? ({ type: mediaType, [mediaType]: { link: values[i]! } } as TemplateParameter) : textParam(slots[i]!, values[i]!))),
      });
    }
    if (bodySlots.length > 0) components.push({ type: 'body', parameters: bodySlots.map((i) => textParam(slots[i]!, values[i]!)) });
    for (const i of buttonSlots) components.push({ type: 'button', sub_type: 'url', index: slots[i]!.param.index!, parameters: [{ type: 'text', text: values[i]! }] });
    const text = textParts.map((parts) => parts.map((p) => (typeof p === 'string' ? p : values[p.slot]!)).join('')).join('\n\n');
    return { ok: true, message: { type: 'template', name: t.name, language: t.language, ...(components.length > 0 ? { components } : {}) }, text };
  };
}

/** Renders one send of the template for one contact (use `compileTemplate` in loops). */
export function renderTemplate(t: TemplateDef, map: VariableMap, contact: RenderContact): RenderResult {
  return compileTemplate(t, map)(contact);
}

export { lintTemplate } from './templates.lint.js';
