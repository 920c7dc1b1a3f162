import { useState } from 'react';
import type { AutomationDefinition, AutomationStep, StepType } from './automations-api';
import { stepOfPath, type DefinitionProblem } from './automation-problems';
import { newStep } from './automation-steps';

/** An automation being edited: name, definition, a stable key per step (for React), and the API's last problems. */
export interface AutomationDraft {
  name: string;
  definition: AutomationDefinition;
  /** One key per step, kept through moves, so each step's editor keeps its own state. */
  keys: number[];
  /** Problems of the last save inside steps, by step key, with paths relative to the step. */
  stepProblems: ReadonlyMap<number, { path: string; problem: string }[]>;
  /** Problems of the last save outside the steps (topic, trigger…), or all of them while editing JSON. */
  otherProblems: DefinitionProblem[];
  setName: (name: string) => void;
  setSettings: (patch: Partial<Omit<AutomationDefinition, 'steps'>>) => void;
  setStep: (index: number, step: AutomationStep) => void;
  addStep: (type: StepType) => void;
  removeStep: (index: number) => void;
  moveStep: (index: number, by: -1 | 1) => void;
  /** Replaces the whole definition (the JSON editor's). */
  replace: (definition: AutomationDefinition) => void;
  /** Shows the API's problems: at their step when `byStep`, else all in one list. */
  showProblems: (problems: DefinitionProblem[], byStep: boolean) => void;
}

let nextKey = 1;
const freshKeys = (n: number) => Array.from({ length: n }, () => nextKey++);

/** Holds an automation draft for the editor. */
export function useAutomationDraft(initial: { name: string; definition: AutomationDefinition }): AutomationDraft {
  const [name, setName] = useState(initial.name);
  const [definition, setDefinition] = useState(initial.definition);
  const [keys, setKeys] = useState(() => freshKeys(initial.definition.steps.length));
  const [stepProblems, setStepProblems] = useState<Map<number, { path: string; problem: string }[]>>(new Map());
  const [otherProblems, setOtherProblems] = useState<DefinitionProblem[]>([]);

  const setSteps = (steps: AutomationStep[]) => setDefinition((d) => ({ ...d, steps }));
  // A step's problems go once the step is edited; the API checks it again on the next save.
  const forget = (key: number | undefined) =>
    setStepProblems((m) => {
      if (key === undefined || !m.has(key)) return m;
      const copy = new Map(m);
      copy.delete(key);
      return copy;
    });

  return {
    name,
    definition,
    keys,
    stepProblems,
    otherProblems,
    setName,
    setSettings: (patch) => setDefinition((d) => ({ ...d, ...patch })),
    setStep(index, step) {
      forget(keys[index]);
      setSteps(definition.steps.map((s, i) => (i === index ? step : s)));
    },
    addStep(type) {
      setSteps([...definition.steps, newStep(type, definition.steps)]);
      setKeys([...keys, ...freshKeys(1)]);
    },
    removeStep(index) {
      forget(keys[index]);
      setSteps(definition.steps.filter((_, i) => i !== index));
      setKeys(keys.filter((_, i) => i !== index));
    },
    moveStep(index, by) {
      const to = index + by;
      if (to < 0 || to >= definition.steps.length) return;
      const move = <T,>(list: T[]) => {
        const copy = [...list];
        [copy[index], copy[to]] = [copy[to]!, copy[index]!];
        return copy;
      };
      setSteps(move(definition.steps));
      setKeys(move(keys));
    },
    replace(next) {
      setDefinition(next);
      setKeys(freshKeys(next.steps.length));
      setStepProblems(new Map());
      setOtherProblems([]);
    },
    showProblems(problems, byStep) {
      const atSteps = new Map<number, { path: string; problem: string }[]>();
      const other: DefinitionProblem[] = [];
      for (const p of problems) {
        const at = byStep ? stepOfPath(p.path) : undefined;
        const key = at ? keys[at.index] : undefined;
        if (at && key !== undefined) atSteps.set(key, [...(atSteps.get(key) ?? []), { path: at.rest, problem: p.problem }]);
        else other.push(p);
      }
      setStepProblems(atSteps);
      setOtherProblems(other);
    },
  };
}
