// Pure rules of automations: states, the step graph and its checks, and wait arithmetic. No I/O.

/** An automation's life: edited as a draft, run when published, paused (runs wait), archived. */
export const AUTOMATION_STATUSES = ['draft', 'published', 'paused', 'archived'] as const;
export type AutomationStatus = (typeof AUTOMATION_STATUSES)[number];

/**
 * A run's states. `active`: a step is due now; `waiting`: a timer (`due_at`) is set; the rest are
 * final: `completed` (reached the end), `converted` (its goal happened), `exited` (STOP, consent
 * withdrawn, or the automation archived: `reason` says which), `failed` (a step failed for good).
 */
export const RUN_STATES = ['active', 'waiting', 'completed', 'converted', 'exited', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

/** A step as the graph checks see it: its id, its type, and the steps it can go to. */
export interface GraphStep {
  id: string;
  type: string;
  next?: string | undefined;
  then?: string | undefined;
  else?: string | undefined;
  on_reply?: string | undefined;
  on_event?: string | undefined;
  on_click?: string | undefined;
  on_timeout?: string | undefined;
}

/** Steps that wait: a loop through one of them is not a loop without end. */
export const WAITING_STEPS = ['wait', 'wait_for_reply', 'wait_for_event', 'wait_for_click', 'ask'] as const;

/** A problem in a definition, at a JSON path (`steps[2].next`). */
export interface DefinitionProblem {
  path: string;
  problem: string;
}

/** Where a step goes after it ran: its `next`, else the following step in the list, else the end. */
export function nextOf(steps: readonly GraphStep[], i: number): string | null {
  const s = steps[i]!;
  if (s.type === 'end') return null;
  return s.next ?? steps[i + 1]?.id ?? null;
}

/** The steps a step can lead to (both arms of a branch). */
export function successorsOf(steps: readonly GraphStep[], i: number): string[] {
  const s = steps[i]!;
  if (s.type === 'branch') return [s.then, s.else].filter((x): x is string => Boolean(x));
  const n = nextOf(steps, i);
  const all = [s.on_reply ?? n, s.on_event ?? n, s.on_click ?? n, s.on_timeout ?? n, n].filter((x): x is string => Boolean(x));
  return [...new Set(all)];
}

/**
 * Checks the graph: unique ids, every target exists, every step reachable from the first, and no
 * loop without a wait (a loop that never waits would send without end).
 */
export function checkGraph(steps: readonly GraphStep[]): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const index = new Map<string, number>();
  steps.forEach((s, i) => {
    if (index.has(s.id)) problems.push({ path: `steps[${i}].id`, problem: `step id "${s.id}" is used twice; give each step its own id` });
    else index.set(s.id, i);
  });
  steps.forEach((s, i) => {
    for (const key of ['next', 'then', 'else', 'on_reply', 'on_event', 'on_click', 'on_timeout'] as const) {
      const target = s[key];
      if (target !== undefined && !index.has(target)) problems.push({ path: `steps[${i}].${key}`, problem: `no step has the id "${target}"; use one of: ${[...index.keys()].join(', ')}` });
    }
  });
  if (problems.length > 0) return problems;
  const reached = new Set<number>();
  const stack = steps.length > 0 ? [0] : [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (reached.has(i)) continue;
    reached.add(i);
    for (const t of successorsOf(steps, i)) stack.push(index.get(t)!);
  }
  steps.forEach((s, i) => {
    if (!reached.has(i)) problems.push({ path: `steps[${i}]`, problem: `step "${s.id}" can never be reached from the first step; point a next/then/else at it or remove it` });
  });
  const loop = loopWithoutWait(steps, index);
  if (loop) problems.push({ path: `steps[${index.get(loop[0]!)}]`, problem: `the steps ${loop.join(' → ')} loop without a wait; add a wait step inside the loop` });
  return problems;
}

/** A cycle through steps that are not waits (ids, in order), or null. */
function loopWithoutWait(steps: readonly GraphStep[], index: Map<string, number>): string[] | null {
  const color = new Map<number, 1 | 2>();
  const path: number[] = [];
  const visit = (i: number): number[] | null => {
    if ((WAITING_STEPS as readonly string[]).includes(steps[i]!.type)) return null;
    color.set(i, 1);
    path.push(i);
    for (const t of successorsOf(steps, i)) {
      const j = index.get(t)!;
      if (color.get(j) === 1) return path.slice(path.indexOf(j));
      if (!color.has(j)) {
        const found = visit(j);
        if (found) return found;
      }
    }
    path.pop();
    color.set(i, 2);
    return null;
  };
  for (let i = 0; i < steps.length; i++) {
    if (color.has(i)) continue;
    const found = visit(i);
    if (found) return found.map((j) => steps[j]!.id);
  }
  return null;
}

/** A wait's length in ms ({ days, hours, minutes }). */
export function durationMs(d: { days?: number | undefined; hours?: number | undefined; minutes?: number | undefined }): number {
  return ((d.days ?? 0) * 24 * 60 + (d.hours ?? 0) * 60 + (d.minutes ?? 0)) * 60_000;
}

/** How many steps one run may take in one go before it yields (a guard; waits end a go anyway). */
export const MAX_STEPS_PER_GO = 50;

/** `{{link:N}}` in a message text: where the tracked copy of links[N] goes. */
export const LINK_PLACEHOLDER = /\{\{\s*link:(\d)\s*\}\}/g;

/** The link indexes a text names with `{{link:N}}`. */
export function linkIndexesIn(text: string): number[] {
  return [...text.matchAll(LINK_PLACEHOLDER)].map((m) => Number(m[1]));
}

/** A text with each `{{link:N}}` replaced by `url(N)`. */
export function fillLinks(text: string, url: (index: number) => string): string {
  return text.replace(LINK_PLACEHOLDER, (_, n: string) => url(Number(n)));
}
