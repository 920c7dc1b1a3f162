// The problems the API names in a definition (422 AUTOMATION_INVALID, or VALIDATION_FAILED for its
// shape), each with its path, and which step a path points at.
import { ApiError } from './api-client';

/** One problem: where (`definition.steps[2].template.name`) and what to do. */
export interface DefinitionProblem {
  path: string;
  problem: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `definition.steps.2.text` (how shape errors name paths) written as `definition.steps[2].text`. */
const bracketed = (path: string): string => path.replace(/\.(\d+)(?=\.|$)/g, '[$1]');

/**
 * The API names a template variable's problem at `…steps[2].template.template.variables["body.2"]`
 * (the template check's own path appended to the step's); shown once, as `…template.variables["body.2"]`.
 */
const tidy = (path: string): string => path.replace(/\.(template|fallback_template)\.template\./, '.$1.');

/** The definition problems an API error carries, or undefined when it is another kind of error. */
export function definitionProblemsOf(err: unknown): DefinitionProblem[] | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const d = err.details;
  if (err.code === 'AUTOMATION_INVALID') {
    const list = Array.isArray(d.problems) ? d.problems.filter(isObj) : [];
    const problems = list.map((p) => ({ path: tidy(String(p.path ?? 'definition')), problem: String(p.problem ?? err.message) }));
    return problems.length > 0 ? problems : [{ path: typeof d.path === 'string' ? tidy(d.path) : 'definition', problem: typeof d.problem === 'string' ? d.problem : err.message }];
  }
  if (err.code === 'VALIDATION_FAILED' && Array.isArray(d.fields)) {
    return d.fields.filter(isObj).map((f) => ({
      path: bracketed(String(f.field ?? '')),
      problem: `${String(f.message ?? err.message)}${typeof f.expected === 'string' ? ` (expected ${f.expected})` : ''}`,
    }));
  }
  return undefined;
}

/** The step a path points at and the rest of the path (`template.name`), or undefined for the definition's other parts. */
export function stepOfPath(path: string): { index: number; rest: string } | undefined {
  const m = /^definition\.steps\[(\d+)\]\.?(.*)$/.exec(path);
  return m ? { index: Number(m[1]), rest: m[2] ?? '' } : undefined;
}

/** What a path outside the steps is about, in words. */
export function fieldOfPath(path: string): string {
  const p = path.replace(/^definition\.?/, '');
  if (p.startsWith('topic')) return 'Topic';
  if (p.startsWith('trigger')) return 'Starts when';
  if (p.startsWith('goal')) return 'Goal';
  if (p.startsWith('number_id')) return 'Business number';
  if (p.startsWith('reentry_days')) return 'Again later';
  if (p.startsWith('steps')) return 'Steps';
  if (path === 'name') return 'Name';
  return 'Automation';
}
