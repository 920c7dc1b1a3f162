import { useState } from 'react';
import { splitList } from './automation-steps';

/** A comma-separated list typed in one box: the text stays as typed (a trailing comma too), the list goes out parsed. */
export function AutomationListInput({ id, value, placeholder, onChange }: { id: string; value: readonly string[]; placeholder?: string; onChange: (list: string[]) => void }) {
  const [text, setText] = useState(() => value.join(', '));
  return (
    <input
      id={id}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        onChange(splitList(e.target.value));
      }}
    />
  );
}
