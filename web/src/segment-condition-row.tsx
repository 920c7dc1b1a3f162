import { shapeOf, valueHint, type ConditionRow, type Subject } from './segment-rules';

/** How each operator reads in the builder. */
const OP_LABELS: Record<string, string> = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  not_in: 'is none of',
  contains: 'contains',
  not_contains: 'does not contain',
  contains_any: 'contains any of',
  contains_all: 'contains all of',
  starts_with: 'starts with',
  exists: 'has a value',
  not_exists: 'has no value',
  gt: '>',
  gte: '≥',
  lt: '<',
  lte: '≤',
  between: 'between',
  before: 'before',
  after: 'after',
  in_last_days: 'in the last N days',
  not_in_last_days: 'not in the last N days',
  in_next_days: 'in the next N days',
  anniversary_within_days: 'anniversary within N days',
};

interface Props {
  index: number;
  row: ConditionRow;
  subjects: readonly Subject[];
  /** True when the server's rules problem points at this row. */
  isInvalid: boolean;
  onChange: (row: ConditionRow) => void;
  onRemove: () => void;
}

/** One condition of the builder: field or attribute, operator (those its type allows) and value. */
export function SegmentConditionRow({ index, row, subjects, isInvalid, onChange, onRemove }: Props) {
  const subject = subjects.find((s) => s.key === row.subject);
  const type = subject?.type ?? 'text';
  const ops = subject?.ops ?? [];
  const shape = shapeOf(subject, row.op);
  const n = index + 1;
  const listId = `condition-${index}-suggestions`;

  function changeSubject(key: string) {
    const next = subjects.find((s) => s.key === key);
    const nextOps = next ? next.ops : ops;
    // Keep the operator when the new type allows it; otherwise start from the type's first one.
    onChange({ ...row, subject: key, op: nextOps.includes(row.op) ? row.op : (nextOps[0] ?? 'eq') });
  }

  return (
    <li className="condition" data-testid="condition-row" aria-invalid={isInvalid || undefined}>
      <select aria-label={`Condition ${n} field`} value={row.subject} onChange={(e) => changeSubject(e.target.value)}>
        {subjects.map((s) => (
          <option key={s.key} value={s.key}>
            {s.label}
          </option>
        ))}
      </select>
      <select aria-label={`Condition ${n} operator`} value={row.op} onChange={(e) => onChange({ ...row, op: e.target.value })}>
        {ops.map((op) => (
          <option key={op} value={op}>
            {OP_LABELS[op] ?? op}
          </option>
        ))}
      </select>
      {shape !== 'none' && (
        <input
          aria-label={`Condition ${n} value`}
          value={row.value}
          onChange={(e) => onChange({ ...row, value: e.target.value })}
          placeholder={valueHint(shape, type)}
          list={subject && subject.suggestions.length > 0 ? listId : undefined}
          maxLength={2000}
        />
      )}
      {subject && subject.suggestions.length > 0 && (
        <datalist id={listId}>
          {subject.suggestions.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
      <button type="button" className="secondary" onClick={onRemove} aria-label={`Remove condition ${n}`}>
        Remove
      </button>
    </li>
  );
}
