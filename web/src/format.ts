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

/** Any JSON value as plain text: strings as they are, a dash for null or absent, everything else as JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Who recorded something: the actor type, plus the first 8 characters of its id when there is one. */
export function formatActor(actor: { type: string; id: string | null }): string {
  return actor.id ? `${actor.type} ${actor.id.slice(0, 8)}` : actor.type;
}
