/** A timestamp from the API in the viewer's locale and zone, or a dash when absent. */
export function formatTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** A Meta messaging-limit tier (`TIER_2K`) as people read it (`2K / 24 h`). */
export function formatTier(tier: string): string {
  if (tier === 'TIER_UNLIMITED') return 'unlimited';
  const m = /^TIER_(.+)$/.exec(tier);
  return m ? `${m[1]} / 24 h` : tier;
}
