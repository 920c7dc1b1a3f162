// The composer's A/B test section as drafts, and the API input built from them.
import type { AbTest, AbTestInput } from './broadcasts-api';
import { variableDraftsOf } from './broadcast-edit';
import type { Template } from './templates-api';
import { draftsFor, variablesOf, type VariableDraft } from './variable-mapping';

/** One extra variant (B, C or D): a template and its variable rows. Variant A is the message above. */
export interface AbVariantDraft {
  templateId: string;
  drafts: Record<string, VariableDraft>;
}

/** The A/B section as typed. */
export interface AbDraft {
  on: boolean;
  variants: AbVariantDraft[];
  testPercent: string;
  holdoutPercent: string;
  metric: AbTestInput['metric'];
  windowHours: string;
  sendWinner: 'auto' | 'confirm';
}

/** The section before anything is chosen: off, with one extra variant ready. */
export const NO_AB: AbDraft = { on: false, variants: [], testPercent: '20', holdoutPercent: '0', metric: 'read', windowHours: '4', sendWinner: 'confirm' };

/** A new variant on a template (its rows kept from `from` where the keys match). */
export function variantOn(t: Template | undefined, from: Record<string, VariableDraft> = {}): AbVariantDraft {
  return { templateId: t?.id ?? '', drafts: draftsFor(t?.params ?? [], from) };
}

/** The section of a saved draft (its variants B… matched to the approved templates). */
export function abDraftOf(ab: AbTest | null | undefined, templates: Template[]): AbDraft {
  if (!ab) return NO_AB;
  const variants = ab.variants
    .filter((v) => /^[A-D]$/.test(v.key) && v.key !== 'A')
    .map((v) => {
      const t = templates.find((x) => x.name === v.template?.name && x.language === v.template?.language);
      return variantOn(t, variableDraftsOf((v.variables ?? {}) as Parameters<typeof variableDraftsOf>[0]));
    });
  return { on: true, variants, testPercent: String(ab.test_percent), holdoutPercent: String(ab.holdout_percent), metric: ab.metric as AbTestInput['metric'], windowHours: String(ab.window_hours), sendWinner: ab.send_winner };
}

/** A whole number in [min, max], or undefined. */
function intIn(s: string, min: number, max: number): number | undefined {
  const n = Number(s);
  return s.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** The `ab_test` input (null when off), or the first thing missing. */
export function abInputOf(d: AbDraft, templates: Template[]): { ab: AbTestInput | null } | { problem: string } {
  if (!d.on) return { ab: null };
  if (d.variants.length < 1) return { problem: 'A/B test: add at least one more variant (B).' };
  const test = intIn(d.testPercent, 1, 100);
  const holdout = intIn(d.holdoutPercent || '0', 0, 99);
  const hours = intIn(d.windowHours, 1, 720);
  if (test === undefined) return { problem: 'A/B test: the test share is a whole percentage from 1 to 100.' };
  if (holdout === undefined) return { problem: 'A/B test: the holdout is a whole percentage from 0 to 99.' };
  if (test + holdout > 100) return { problem: 'A/B test: the test share and the holdout add up to more than 100 %.' };
  if (hours === undefined) return { problem: 'A/B test: the test window is a whole number of hours from 1 to 720.' };
  const variants: AbTestInput['variants'] = [{}];
  for (const [i, v] of d.variants.entries()) {
    const t = templates.find((x) => x.id === v.templateId);
    const vars = variablesOf(v.drafts);
    if (!t) return { problem: `A/B test: choose a template for variant ${'BCD'[i]}.` };
    if (!vars) return { problem: `A/B test: fill in every variable of variant ${'BCD'[i]}.` };
    variants.push({ template: { name: t.name, language: t.language }, variables: vars });
  }
  return { ab: { variants, test_percent: test, holdout_percent: holdout, metric: d.metric, window_hours: hours, send_winner: d.sendWinner } };
}
