// Canned replies' variables: `{{first_name}}`, `{{business_name}}`, … with an optional fallback
// after a bar (`{{first_name|there}}`), filled from the contact, the workspace and the agent. Pure.

/** The variables a canned reply may use, and what fills each. */
export const CANNED_VARIABLES = {
  first_name: "the contact's first name (their name, else their WhatsApp profile name)",
  name: "the contact's full name",
  phone: "the contact's phone number",
  business_name: "the workspace's name",
  agent_name: 'the name of the agent sending it',
} as const;
export type CannedVariable = keyof typeof CANNED_VARIABLES;

const VARIABLE = /\{\{\s*([^{}|]*?)\s*(?:\|([^{}]*))?\}\}/g;

/** The variable names a text uses, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(VARIABLE)].map((m) => m[1] ?? ''))];
}

/** The names in `text` that are not known variables (empty: the text is fine). */
export function unknownVariables(text: string): string[] {
  return variablesIn(text).filter((v) => !(v in CANNED_VARIABLES));
}

/** Fills every variable; an empty value takes the fallback, or nothing. Unknown names are left as written (they are refused on save). */
export function renderCanned(text: string, values: Partial<Record<CannedVariable, string | null>>): string {
  return text
    .replace(VARIABLE, (whole, name: string, fallback: string | undefined) => {
    if (!(name in CANNED_VARIABLES)) return whole;
    const value = values[name as CannedVariable]?.trim();
      return value ? value : (fallback ?? '').trim();
    })
    .trim();
}

/** A person's first name: the first word of their name. */
export function firstNameOf(name: string | null | undefined): string | null {
  const first = (name ?? '').trim().split(/\s+/)[0];
  return first ? first : null;
}
