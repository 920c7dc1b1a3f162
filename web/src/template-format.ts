// How templates read in the UI.
import type { Template } from './templates-api';

interface Component {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; text?: string; url?: string }[];
}

/** The template's text with its placeholders: header, body, footer and buttons, one block each. */
export function templateText(t: Pick<Template, 'components'>): string {
  const parts: string[] = [];
  for (const raw of t.components) {
    const c = (raw ?? {}) as Component;
    const type = (c.type ?? '').toUpperCase();
    if (type === 'HEADER') parts.push(c.text ?? `[${(c.format ?? 'media').toLowerCase()}]`);
    else if (type === 'BODY' || type === 'FOOTER') parts.push(c.text ?? '');
    else if (type === 'BUTTONS') parts.push((c.buttons ?? []).map((b) => `[${b.text ?? b.type ?? 'button'}]`).join(' '));
  }
  return parts.filter(Boolean).join('\n\n');
}

/** "weekly_offers (en_US)". */
export const templateLabel = (t: Pick<Template, 'name' | 'language'>): string => `${t.name} (${t.language})`;

/** A status or category as a CSS class suffix. */
export const cssToken = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

const REJECTIONS: Record<string, string> = {
  INVALID_FORMAT: 'Meta found the format invalid (often a variable at the start or end of the body, or a missing example).',
  PROMOTIONAL: 'Meta judged the content promotional for its category; submit it as marketing or reword it.',
  INCORRECT_CATEGORY: 'Meta judged the category wrong for this content.',
  ABUSIVE_CONTENT: 'Meta judged the content abusive.',
  SCAM: 'Meta judged the content a possible scam.',
  TAG_CONTENT_MISMATCH: "The content does not match the template's category.",
};

/** Why Meta rejected a template, in plain words (the code itself when it is not a known one). */
export const rejectionText = (reason: string): string => REJECTIONS[reason] ?? `Rejected by Meta: ${reason.toLowerCase().replace(/_/g, ' ')}.`;
