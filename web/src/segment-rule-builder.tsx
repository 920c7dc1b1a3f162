import { useId } from 'react';
import { newRow, type BuilderState, type Combinator, type Subject } from './segment-rules';
import { SegmentConditionRow } from './segment-condition-row';

interface Props {
  state: BuilderState;
  subjects: readonly Subject[];
  /** Off when the JSON holds rules the builder cannot show; the JSON is then the only editor. */
  isEnabled: boolean;
  /** Index of the row the current rules problem points at, if any. */
  invalidRow: number | undefined;
  onChange: (state: BuilderState) => void;
}

/** The condition builder: rows of field + operator + value, matched by all of them or any of them. */
export function SegmentRuleBuilder({ state, subjects, isEnabled, invalidRow, onChange }: Props) {
  const setCombinator = (combinator: Combinator) => onChange({ ...state, combinator });
  // Its own radio group, so two builders on one page (branch steps) do not share one.
  const group = useId();
  return (
    <fieldset className="builder" disabled={!isEnabled} data-testid="rule-builder">
      <legend>Conditions</legend>
      <div className="row" role="radiogroup" aria-label="Match">
        <span>Contacts matching</span>
        {(['all', 'any'] as const).map((c) => (
          <label key={c} className="choice">
            <input type="radio" name={`combinator-${group}`} value={c} checked={state.combinator === c} onChange={() => setCombinator(c)} />
            {c === 'all' ? 'all conditions' : 'any condition'}
          </label>
        ))}
      </div>
      <ol className="conditions">
        {state.rows.map((row, i) => (
          <SegmentConditionRow
            key={i}
            index={i}
            row={row}
            subjects={subjects}
            isInvalid={invalidRow === i}
            onChange={(next) => onChange({ ...state, rows: state.rows.map((r, j) => (j === i ? next : r)) })}
            onRemove={() => onChange({ ...state, rows: state.rows.filter((_, j) => j !== i) })}
          />
        ))}
      </ol>
      <button type="button" className="secondary" onClick={() => onChange({ ...state, rows: [...state.rows, newRow(subjects)] })}>
        Add a condition
      </button>
    </fieldset>
  );
}
