// The template composer's form state, and how it becomes Meta's creation shape (what
// POST /api/v1/templates and /templates/lint take). Pure: no I/O, no React.

/** What a header can be. */
export type HeaderKind = 'none' | 'text' | 'image' | 'video' | 'document';
/** The button kinds the composer offers. */
export type ButtonKind = 'QUICK_REPLY' | 'URL' | 'PHONE_NUMBER' | 'COPY_CODE';

/** One button as typed: only the fields of its kind are used. */
export interface DraftButton {
  kind: ButtonKind;
  text: string;
  url: string;
  /** The URL's example: the value of {{1}} (the part after the fixed URL). */
  urlExample: string;
  phone: string;
  /** A copy-code button's example code. */
  code: string;
}

/** Everything the composer form holds. */
export interface TemplateDraft {
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  header: HeaderKind;
  headerText: string;
  headerExample: string;
  /** A media header's example: a handle from Meta's resumable upload, or a public https link. */
  headerMedia: string;
  body: string;
  /** Example value per body variable name ("1" → "Ada"). */
  bodyExamples: Record<string, string>;
  footer: string;
  buttons: DraftButton[];
}

/** An empty form. */
export const EMPTY_DRAFT: TemplateDraft = {
  name: '',
  language: 'en_US',
  category: 'UTILITY',
  header: 'none',
  headerText: '',
  headerExample: '',
  headerMedia: '',
  body: '',
  bodyExamples: {},
  footer: '',
  buttons: [],
};

/** A new button of this kind. */
export const newButton = (kind: ButtonKind): DraftButton => ({ kind, text: '', url: '', urlExample: '', phone: '', code: '' });

/** How many buttons of each kind Meta allows, and in all. */
export const BUTTON_LIMITS: Record<ButtonKind, number> = { QUICK_REPLY: 10, URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1 };
/** Meta's limit on buttons per template. */
export const MAX_BUTTONS = 10;

const VAR = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct variable names of a text, in order of first appearance ("1", "2", …). */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VAR)].map((m) => m[1]!))];
}

/** Body variables in number order (the order of Meta's example list). */
export function bodyVariables(text: string): string[] {
  return variablesIn(text).sort((a, b) => (Number(a) || Infinity) - (Number(b) || Infinity) || a.localeCompare(b));
}

/** Which component of the definition each index is, so lint paths can be put back next to fields. */
export type ComponentKind = 'header' | 'body' | 'footer' | 'buttons';

const filled = (s: string) => s.trim() !== '';

/** The URL with its {{1}} replaced by the example: Meta wants the whole URL as the example. */
export function exampleUrl(b: Pick<DraftButton, 'url' | 'urlExample'>): string {
  return b.url.replace(/\{\{\s*1\s*\}\}$/, b.urlExample.trim());
}

function buttonDef(b: DraftButton): Record<string, unknown> {
  switch (b.kind) {
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', text: b.text };
    case 'URL': {
      const hasVar = variablesIn(b.url).length > 0;
      return { type: 'URL', text: b.text, url: b.url.trim(), ...(hasVar && filled(b.urlExample) ? { example: [exampleUrl(b)] } : {}) };
    }
    case 'PHONE_NUMBER':
      return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone.replace(/[\s()-]/g, '') };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', example: b.code.trim() };
  }
}

/**
 * The definition in Meta's creation shape plus which component each index holds. Examples are
 * sent only when every variable has one, so a missing example is reported by the lint.
 */
export function draftToDefinition(d: TemplateDraft): { definition: { name: string; language: string; category: string; components: Record<string, unknown>[] }; kinds: ComponentKind[] } {
  const components: Record<string, unknown>[] = [];
  const kinds: ComponentKind[] = [];
  if (d.header === 'text') {
    const hasVar = variablesIn(d.headerText).length > 0;
    components.push({ type: 'HEADER', format: 'TEXT', text: d.headerText, ...(hasVar && filled(d.headerExample) ? { example: { header_text: [d.headerExample.trim()] } } : {}) });
    kinds.push('header');
  } else if (d.header !== 'none') {
    components.push({ type: 'HEADER', format: d.header.toUpperCase(), ...(filled(d.headerMedia) ? { example: { header_handle: [d.headerMedia.trim()] } } : {}) });
    kinds.push('header');
  }
  const vars = bodyVariables(d.body);
  const examples = vars.map((v) => (d.bodyExamples[v] ?? '').trim());
  components.push({ type: 'BODY', text: d.body, ...(vars.length > 0 && examples.every(filled) ? { example: { body_text: [examples] } } : {}) });
  kinds.push('body');
  if (filled(d.footer)) {
    components.push({ type: 'FOOTER', text: d.footer });
    kinds.push('footer');
  }
  if (d.buttons.length > 0) {
    components.push({ type: 'BUTTONS', buttons: d.buttons.map(buttonDef) });
    kinds.push('buttons');
  }
  return { definition: { name: d.name.trim(), language: d.language, category: d.category, components }, kinds };
}

/** A lint finding as the API gives it. */
export interface Issue {
  code: string;
  path: string;
  message: string;
}

/** Where a finding is shown: a form field key ("name", "header", "body-examples", "button-1", …) and the words. */
export interface PlacedIssue {
  field: string;
  message: string;
  warning: boolean;
}

function plainWords(issue: Issue, field: string, d: TemplateDraft): string {
  if (issue.code === 'TEMPLATE_EXAMPLE_MISSING') {
    if (field === 'body-examples') {
      const missing = bodyVariables(d.body).filter((v) => !filled(d.bodyExamples[v] ?? ''));
      return `Meta needs an example value for every variable: give one for ${missing.map((v) => `{{${v}}}`).join(', ') || 'each variable'}.`;
    }
    if (field === 'header-example') return 'Meta needs an example value for the header variable.';
    if (field === 'header-media') return 'Meta needs a sample of the media: paste an upload handle ("4::…") or a public https link.';
    if (field.startsWith('button-')) return 'A link with {{1}} needs an example of what goes in its place.';
  }
  if (issue.code === 'TEMPLATE_BUTTONS_NOT_GROUPED') return 'Put all quick replies together, before or after the other buttons (remove and add buttons to reorder them).';
  if (issue.code === 'TEMPLATE_NAME_INVALID') return 'Use lowercase letters, digits and underscores only, e.g. "order_update".';
  if (issue.code === 'TEMPLATE_NO_OPT_OUT') return 'Marketing templates should offer a way out: a "Stop promotions" quick reply, or a footer such as "Reply STOP to unsubscribe".';
  const m = issue.message;
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}

function fieldOf(path: string, kinds: ComponentKind[]): string {
  if (path === 'name' || path === 'language' || path === 'category') return path;
  const m = /^components\[(\d+)\](.*)$/.exec(path);
  if (!m) return 'general';
  const kind = kinds[Number(m[1])];
  const rest = m[2] ?? '';
  if (kind === 'header') return rest.startsWith('.example') ? (rest.includes('header_handle') ? 'header-media' : 'header-example') : 'header';
  if (kind === 'body') return rest.startsWith('.example') ? 'body-examples' : 'body';
  if (kind === 'footer') return 'footer';
  if (kind === 'buttons') {
    const b = /^\.buttons\[(\d+)\]/.exec(rest);
    return b ? `button-${b[1]}` : 'buttons';
  }
  return 'general';
}

/** Places lint errors and warnings next to the form fields they are about, in plain words. */
export function placeIssues(lint: { errors: Issue[]; warnings: Issue[] }, kinds: ComponentKind[], d: TemplateDraft): PlacedIssue[] {
  const out: PlacedIssue[] = [];
  const seen = new Set<string>();
  const add = (i: Issue, warning: boolean) => {
    const field = i.code === 'TEMPLATE_NO_OPT_OUT' ? 'footer' : fieldOf(i.path, kinds);
    const message = plainWords(i, field, d);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ field, message, warning });
  };
  lint.errors.forEach((i) => add(i, false));
  lint.warnings.forEach((i) => add(i, true));
  return out;
}

/** The text with each {{n}} replaced by its example (or left as {{n}} when there is none). */
export function fillExamples(text: string, examples: Record<string, string>): string {
  return text.replace(VAR, (whole, name: string) => (filled(examples[name] ?? '') ? examples[name]!.trim() : whole));
}
