/** A duration as the API takes it: whole days, hours and minutes, each optional. */
export type Duration = { days?: number; hours?: number; minutes?: number };
type Unit = keyof Duration;
const UNITS: { unit: Unit; label: string }[] = [
  { unit: 'days', label: 'Days' },
  { unit: 'hours', label: 'Hours' },
  { unit: 'minutes', label: 'Minutes' },
];

/** Days, hours and minutes side by side (an empty or 0 box leaves that unit out); `undefined` when all are empty. */
export function AutomationDurationFields({ id, value, onChange }: { id: string; value: Duration | undefined; onChange: (d: Duration | undefined) => void }) {
  function setUnit(unit: Unit, text: string) {
    const next = { ...value };
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n === 0) delete next[unit];
    else next[unit] = Math.max(0, Math.trunc(n));
    onChange(Object.keys(next).length > 0 ? next : undefined);
  }
  return (
    <>
      {UNITS.map(({ unit, label }) => (
        <div className="field narrow" key={unit}>
          <label htmlFor={`${id}-${unit}`}>{label}</label>
          <input id={`${id}-${unit}`} type="number" min={0} value={value?.[unit] ?? ''} onChange={(e) => setUnit(unit, e.target.value)} />
        </div>
      ))}
    </>
  );
}
