// A definition as edited and as sent: variable rows still empty are left out (the API then names
// the variable that has no source, at its path), and JSON typed by hand is checked for its outline.
import type { AutomationDefinition, AutomationStep } from './automations-api';

type Ref = { name: string; language: string; variables?: Record<string, unknown> };

const isEmptySource = (s: unknown): boolean => {
  const v = s as { value?: unknown; attribute?: unknown };
  return v.value === '' || v.attribute === '';
};

/** A template reference to send: variable rows still empty left out. */
export function cleanRef<T extends Ref>(ref: T): T {
  if (!ref.variables) return ref;
  return { ...ref, variables: Object.fromEntries(Object.entries(ref.variables).filter(([, s]) => !isEmptySource(s))) };
}

function cleanStep(step: AutomationStep): AutomationStep {
  if (step.type === 'send_template') return { ...step, template: cleanRef(step.template) };
  if (step.type === 'send_message' && step.fallback_template) return { ...step, fallback_template: cleanRef(step.fallback_template) };
  return step;
}

/** The definition to send: variable rows still empty left out. */
export const cleanDefinition = (d: AutomationDefinition): AutomationDefinition => ({ ...d, steps: d.steps.map(cleanStep) });

/** The definition as the JSON editor shows it. */
export const formatDefinition = (d: AutomationDefinition): string => JSON.stringify(d, null, 2);

/** Parses the JSON editor's text: a definition's outline (an object with a list of steps), or what is wrong. */
export function parseDefinitionText(text: string): { definition: AutomationDefinition } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const v = value as { steps?: unknown; trigger?: unknown };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'must be an object: {"trigger": …, "topic": …, "steps": [...]}' };
  if (!Array.isArray(v.steps) || v.steps.some((s) => typeof s !== 'object' || s === null || typeof (s as { type?: unknown }).type !== 'string')) {
    return { problem: '"steps" must be a list of steps, each with a "type"' };
  }
  if (typeof v.trigger !== 'object' || v.trigger === null) return { problem: '"trigger" must be an object such as {"type": "api"}' };
  // The API checks everything else and names each problem at its path.
  return { definition: value as AutomationDefinition };
}
