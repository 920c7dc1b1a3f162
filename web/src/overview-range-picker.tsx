/** The ranges the Overview offers, in days. */
export const RANGES = [7, 30, 90] as const;
/** One of the Overview's ranges. */
export type RangeDays = (typeof RANGES)[number];

/** "Last 7 / 30 / 90 days" as a group of toggle buttons. */
export function RangePicker({ value, onChange }: { value: RangeDays; onChange: (days: RangeDays) => void }) {
  return (
    <div className="segmented" role="group" aria-label="Period">
      {RANGES.map((d) => (
        <button key={d} type="button" className="secondary" aria-pressed={value === d} onClick={() => onChange(d)}>
          {d} days
        </button>
      ))}
    </div>
  );
}
