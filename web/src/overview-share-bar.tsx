/** A thin horizontal bar filled to `fraction` (0–1); decorative, the figure beside it says the same. */
export function ShareBar({ fraction, tone = 'green' }: { fraction: number | null; tone?: 'green' | 'red' | 'blue' }) {
  const pct = fraction === null ? 0 : Math.max(0, Math.min(1, fraction)) * 100;
  return (
    <span className="share-bar" aria-hidden="true">
      <span className={`share-fill tone-${tone}`} style={{ width: `${pct}%` }} />
    </span>
  );
}
