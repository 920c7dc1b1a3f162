import { useState } from 'react';
import { builderOf, formatRules, newRow, parseRulesText, rulesOf, type BuilderState, type Subject } from './segment-rules';

/** Rules being edited two ways: the builder's rows and the JSON text, kept in step. */
export interface RulesDraft {
  builder: BuilderState;
  /** The rules as JSON text: what is previewed and saved. */
  text: string;
  /** False while the JSON holds rules the builder cannot show; the builder then waits, read-only. */
  inSync: boolean;
  editBuilder: (next: BuilderState) => void;
  editText: (next: string) => void;
}

/**
 * Holds a rules draft. A builder edit rewrites the JSON; a JSON edit updates the builder when the
 * builder can show the rules exactly, and otherwise leaves the text alone (never loses what was typed).
 */
export function useRulesDraft(subjects: readonly Subject[]): RulesDraft {
  const [builder, setBuilder] = useState<BuilderState>(() => ({ combinator: 'all', rows: [newRow(subjects)] }));
  const [text, setText] = useState(() => formatRules(rulesOf(builder, subjects)));
  const [inSync, setInSync] = useState(true);

  function editBuilder(next: BuilderState) {
    setBuilder(next);
    setText(formatRules(rulesOf(next, subjects)));
    setInSync(true);
  }

  function editText(next: string) {
    setText(next);
    const parsed = parseRulesText(next);
    const state = 'rules' in parsed ? builderOf(parsed.rules, subjects) : null;
    if (state) setBuilder(state);
    setInSync(state !== null);
  }

  return { builder, text, inSync, editBuilder, editText };
}
