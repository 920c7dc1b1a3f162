// Meta's template creation rules as lint (docs/whatsapp-cloud-api.md §4.3–4.4), so a bad template
// is caught before it is submitted and rejected (INVALID_FORMAT) hours later. Pure.
import type { LintIssue, TemplateDef } from './templates.rules.js';

const VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const HEADER_FORMATS = ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'];
const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'FLOW', 'MPM', 'CATALOG', 'VOICE_CALL'];
const SNAKE = /^[a-z][a-z0-9_]*$/;

// "A way out" for marketing, in the languages our users write in most. Why: Meta's policy needs an
// opt-out path for marketing, and templates without one draw blocks and reports (quality → pauses).
const OPT_OUT_TEXT = [
  /\bstop\b/i,
  /\bunsubscribe/i,
  /\bopt[ -]?out\b/i,
  /stop promotions/i,
  /\bstopp\b/i,
  /abmelden|abbestellen/i,
  /darse de baja|\bbaja\b|cancelar (la )?suscripci[oó]n/i,
  /descadastr|cancelar inscri[cç]|\bsair\b|\bparar\b/i,
  /d[ée]sabonn|d[ée]sinscri|\barr[êe]t/i,
  /disiscriv|annulla (l'|la )?iscrizion/i,
  /afmelden|uitschrijven/i,
  /berhenti|\bhenti\b/i,
  /отпис|\bстоп\b/i,
  /abonelikten|durdur/i,
  /إلغاء الاشتراك|توقف/,
  /रोकें|अनसब्सक्राइब/,
];

/** True when the text offers a way to stop marketing messages. */
export function mentionsOptOut(text: unknown): boolean {
  return typeof text === 'string' && OPT_OUT_TEXT.some((re) => re.test(text));
}

type Comp = Record<string, unknown>;
type Out = { errors: LintIssue[]; warnings: LintIssue[] };

function vars(text: unknown): string[] {
  return typeof text === 'string' ? [...text.matchAll(VAR)].map((m) => m[1]!) : [];
}

function upper(v: unknown): string {
  return typeof v === 'string' ? v.toUpperCase() : '';
}

function lintName(def: TemplateDef, out: Out): void {
  if (typeof def.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(def.name)) {
    out.errors.push({ code: 'TEMPLATE_NAME_INVALID', path: 'name', message: 'use 1–512 lowercase letters, digits and underscores, e.g. "order_update"' });
  }
  if (typeof def.language !== 'string' || !/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/.test(def.language)) {
    out.errors.push({ code: 'TEMPLATE_LANGUAGE_INVALID', path: 'language', message: 'use a WhatsApp language code such as "en", "en_US" or "pt_BR"' });
  }
  if (!CATEGORIES.includes(def.category)) out.errors.push({ code: 'TEMPLATE_CATEGORY_INVALID', path: 'category', message: `use one of ${CATEGORIES.join(', ')}` });
  if (!['POSITIONAL', 'NAMED'].includes(def.parameterFormat)) out.errors.push({ code: 'TEMPLATE_PARAMETER_FORMAT_INVALID', path: 'parameter_format', message: 'use POSITIONAL ({{1}}) or NAMED ({{customer_name}})' });
}

function lintVariables(text: string, path: string, named: boolean, out: Out, isBody: boolean): string[] {
  const all = vars(text);
  const distinct = [...new Set(all)];
  for (const v of distinct) {
    if (named && !SNAKE.test(v)) out.errors.push({ code: 'TEMPLATE_VARIABLE_NAME_INVALID', path, message: `{{${v}}}: named variables are lowercase snake_case, e.g. {{customer_name}}` });
    if (!named && !/^[1-9][0-9]*$/.test(v)) out.errors.push({ code: 'TEMPLATE_VARIABLE_NAME_INVALID', path, message: `{{${v}}}: positional variables are numbers {{1}}, {{2}}…; set parameter_format NAMED for names` });
  }
  if (!named && distinct.every((v) => /^[0-9]+$/.test(v))) {
    const nums = distinct.map(Number).sort((a, b) => a - b);
    if (nums.some((n, i) => n !== i + 1)) out.errors.push({ code: 'TEMPLATE_VARIABLES_NOT_SEQUENTIAL', path, message: `variables must be numbered {{1}} to {{${nums.length}}} without gaps (found ${nums.map((n) => `{{${n}}}`).join(', ')})` });
  }
  if (/\}\}\s*\{\{/.test(text)) out.errors.push({ code: 'TEMPLATE_VARIABLES_ADJACENT', path, message: 'two variables side by side are rejected; put words between them' });
  if (isBody) {
    const t = text.trim();
    if (/^\{\{[^}]+\}\}/.test(t) || /\{\{[^}]+\}\}[.!?]?$/.test(t)) out.errors.push({ code: 'TEMPLATE_VARIABLE_AT_EDGE', path, message: 'the body may not start or end with a variable; add text before or after it' });
  }
  return distinct;
}

function lintExamples(c: Comp, path: string, names: string[], named: boolean, kind: 'header' | 'body', out: Out): void {
  if (names.length === 0) return;
  const ex = (typeof c.example === 'object' && c.example !== null ? c.example : {}) as Record<string, unknown>;
  let ok: boolean;
  if (named) {
    const list = ex[`${kind}_text_named_params`];
    const given = new Set(Array.isArray(list) ? (list as { param_name?: unknown }[]).map((p) => p?.param_name) : []);
    ok = names.every((n) => given.has(n));
  } else {
    const raw = ex[`${kind}_text`];
    const values = Array.isArray(raw) ? (kind === 'body' ? raw[0] : raw) : undefined;
    ok = Array.isArray(values) && values.length >= names.length;
  }
  if (!ok) {
    const shape = named ? `example.${kind}_text_named_params: [{"param_name": "${names[0]}", "example": "…"}]` : kind === 'body' ? 'example.body_text: [["value for {{1}}", …]]' : 'example.header_text: ["value for {{1}}"]';
    out.errors.push({ code: 'TEMPLATE_EXAMPLE_MISSING', path: `${path}.example`, message: `Meta requires an example for every variable; add ${shape}` });
  }
}

function lintButtons(c: Comp, path: string, category: string, out: Out): void {
  const buttons = Array.isArray(c.buttons) ? (c.buttons as unknown[]) : [];
  if (buttons.length === 0 || buttons.length > 10) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${path}.buttons`, message: 'BUTTONS needs 1 to 10 buttons' });
  const count: Record<string, number> = {};
  const kinds: string[] = [];
  buttons.forEach((raw, i) => {
    const b = (typeof raw === 'object' && raw !== null ? raw : {}) as Comp;
    const bp = `${path}.buttons[${i}]`;
    const type = upper(b.type);
    kinds.push(type);
    count[type] = (count[type] ?? 0) + 1;
    if (!BUTTON_TYPES.includes(type)) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.type`, message: `use one of ${BUTTON_TYPES.join(', ')}` });
    if (type !== 'OTP' && type !== 'COPY_CODE' && (typeof b.text !== 'string' || b.text.trim() === '')) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.text`, message: 'a button needs text' });
    if (typeof b.text === 'string' && b.text.length > 25) out.errors.push({ code: 'TEMPLATE_TEXT_TOO_LONG', path: `${bp}.text`, message: `button text is ${b.text.length} characters; at most 25` });
    if (type === 'URL') {
      const url = typeof b.url === 'string' ? b.url : '';
      if (!/^https?:\/\/\S+$/.test(url.replace(VAR, 'x'))) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.url`, message: 'a URL button needs an http(s) url' });
      const v = vars(url);
      if (v.length > 1 || (v.length === 1 && (v[0] !== '1' || !/\{\{\s*1\s*\}\}$/.test(url)))) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.url`, message: 'a URL may end with one variable, {{1}}, and have no other' });
      if (v.length === 1 && !(Array.isArray(b.example) && b.example.length > 0)) out.errors.push({ code: 'TEMPLATE_EXAMPLE_MISSING', path: `${bp}.example`, message: 'a URL with {{1}} needs an example: ["https://example.com/track/ABC123"]' });
    }
    if (type === 'PHONE_NUMBER' && (typeof b.phone_number !== 'string' || !/^\+?[0-9]{6,20}$/.test(b.phone_number))) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.phone_number`, message: 'a phone button needs phone_number in international form, e.g. "+15550100"' });
    if (type === 'OTP' && category !== 'AUTHENTICATION') out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${bp}.type`, message: 'OTP buttons are for AUTHENTICATION templates only' });
  });
  const limits: [string, number][] = [['QUICK_REPLY', 10], ['URL', 2], ['PHONE_NUMBER', 1], ['COPY_CODE', 1]];
  for (const [type, max] of limits) if ((count[type] ?? 0) > max) out.errors.push({ code: 'TEMPLATE_BUTTONS_INVALID', path: `${path}.buttons`, message: `at most ${max} ${type} button${max > 1 ? 's' : ''} (found ${count[type]})` });
  // Quick replies must form one group: quick replies then call-to-actions, or the other way round.
  const firstQr = kinds.indexOf('QUICK_REPLY');
  const lastQr = kinds.lastIndexOf('QUICK_REPLY');
  if (firstQr >= 0 && (kinds.slice(firstQr, lastQr + 1).some((k) => k !== 'QUICK_REPLY') || (firstQr > 0 && lastQr < kinds.length - 1))) {
    out.errors.push({ code: 'TEMPLATE_BUTTONS_NOT_GROUPED', path: `${path}.buttons`, message: 'put all QUICK_REPLY buttons together, before or after the other buttons' });
  }
}

function lintComponent(c: Comp, i: number, def: TemplateDef, out: Out): void {
  const path = `components[${i}]`;
  const named = def.parameterFormat === 'NAMED';
  const text = typeof c.text === 'string' ? c.text : undefined;
  const isAuth = def.category === 'AUTHENTICATION';
  if (c.text !== undefined && text === undefined) out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.text`, message: 'text must be a string' });
  switch (upper(c.type)) {
    case 'HEADER': {
      const format = upper(c.format ?? 'TEXT');
      if (!HEADER_FORMATS.includes(format)) out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.format`, message: `use one of ${HEADER_FORMATS.join(', ')}` });
      if (format === 'TEXT') {
        if (!text?.trim()) out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.text`, message: 'a TEXT header needs text' });
        else {
          if (text.length > 60) out.errors.push({ code: 'TEMPLATE_TEXT_TOO_LONG', path: `${path}.text`, message: `header text is ${text.length} characters; at most 60` });
          const names = lintVariables(text, `${path}.text`, named, out, false);
          if (names.length > 1) out.errors.push({ code: 'TEMPLATE_HEADER_VARIABLES', path: `${path}.text`, message: 'a header may contain at most one variable' });
          lintExamples(c, path, names, named, 'header', out);
        }
      } else if (format !== 'LOCATION') {
        const handle = (c.example as { header_handle?: unknown } | undefined)?.header_handle;
        if (!Array.isArray(handle) || handle.length === 0) out.errors.push({ code: 'TEMPLATE_EXAMPLE_MISSING', path: `${path}.example.header_handle`, message: `a ${format} header needs an example media handle (example.header_handle: ["4::aW…"]) from Meta's resumable upload` });
      }
      break;
    }
    case 'BODY': {
      if (isAuth) break; // Meta writes the authentication body itself (add_security_recommendation).
      if (!text?.trim()) {
        out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.text`, message: 'the body needs text' });
        break;
      }
      if (text.length > 1024) out.errors.push({ code: 'TEMPLATE_TEXT_TOO_LONG', path: `${path}.text`, message: `body text is ${text.length} characters; at most 1024` });
      lintExamples(c, path, lintVariables(text, `${path}.text`, named, out, true), named, 'body', out);
      break;
    }
    case 'FOOTER':
      if (isAuth) break;
      if (!text?.trim()) out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.text`, message: 'a footer needs text' });
      else if (text.length > 60) out.errors.push({ code: 'TEMPLATE_TEXT_TOO_LONG', path: `${path}.text`, message: `footer text is ${text.length} characters; at most 60` });
      if (vars(text).length > 0) out.errors.push({ code: 'TEMPLATE_FOOTER_VARIABLES', path: `${path}.text`, message: 'a footer cannot contain variables' });
      break;
    case 'BUTTONS':
      lintButtons(c, path, def.category, out);
      break;
    default:
      out.errors.push({ code: 'TEMPLATE_COMPONENT_INVALID', path: `${path}.type`, message: 'use one of HEADER, BODY, FOOTER, BUTTONS' });
  }
}

function hasOptOut(comps: Comp[]): boolean {
  return comps.some((c) => {
    const type = upper(c.type);
    if ((type === 'FOOTER' || type === 'BODY') && mentionsOptOut(c.text)) return true;
    if (type !== 'BUTTONS' || !Array.isArray(c.buttons)) return false;
    return (c.buttons as Comp[]).some((b) => upper(b?.type) === 'QUICK_REPLY' && mentionsOptOut(b.text));
  });
}

/** Checks a definition against Meta's creation rules; `TEMPLATE_NO_OPT_OUT` is a warning the workspace may escalate. */
export function lintTemplate(def: TemplateDef): { errors: LintIssue[]; warnings: LintIssue[] } {
  const out: Out = { errors: [], warnings: [] };
  lintName(def, out);
  const raw = Array.isArray(def.components) ? def.components : [];
  const comps = raw.map((c) => (typeof c === 'object' && c !== null ? (c as Comp) : {}));
  comps.forEach((c, i) => lintComponent(c, i, def, out));
  for (const type of ['HEADER', 'BODY', 'FOOTER', 'BUTTONS']) {
    const n = comps.filter((c) => upper(c.type) === type).length;
    if (type === 'BODY' && n === 0) out.errors.push({ code: 'TEMPLATE_BODY_MISSING', path: 'components', message: 'a template needs one BODY component' });
    if (n > 1) out.errors.push({ code: 'TEMPLATE_COMPONENT_DUPLICATE', path: 'components', message: `a template has at most one ${type} (found ${n})` });
  }
  if (def.category === 'MARKETING' && !hasOptOut(comps)) {
    out.warnings.push({
      code: 'TEMPLATE_NO_OPT_OUT',
      path: 'components',
      message: 'marketing templates should offer a way out: a "Stop promotions" quick-reply button, or a footer such as "Reply STOP to unsubscribe"',
    });
  }
  return out;
}
