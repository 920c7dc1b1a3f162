// The "best hour" schedule: on a date, each recipient at the hour the engagement heatmap says
// people read most on that weekday, in the recipient's own time zone (analytics' heatmap: read
// rates by local weekday × hour over the last 30 days). Quiet hours still apply at send time.
import type { Ctx } from '../context.js';
import { getHeatmap } from '../analytics/index.js';

/** The local time a best-hour schedule falls back to when no hour has enough sends. */
export const BEST_HOUR_FALLBACK_TIME = '10:00';

/** How a best-hour schedule's time was chosen (kept in the broadcast's plan for the UI). */
export interface BestHourChoice {
  time: string;
  weekday: number;
  /** `segment`: the audience segment's own heatmap; `workspace`: everyone's; `fallback`: no hour had enough sends. */
  source: 'segment' | 'workspace' | 'fallback';
  read_rate: number | null;
  sent: number;
}

/** Monday 0 … Sunday 6 of a calendar date (as the heatmap counts weekdays). */
export function weekdayOf(date: string): number {
  return (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/**
 * The local time to send on `date`: the best hour of that weekday in the audience segment's
 * heatmap, else in the whole workspace's, else `fallbackTime`.
 */
export async function chooseBestHour(ctx: Ctx, s: { date: string; fallback_time?: string }, segmentId: string | undefined): Promise<BestHourChoice> {
  const weekday = weekdayOf(s.date);
  for (const [source, segment] of [['segment', segmentId], ['workspace', undefined]] as const) {
    if (source === 'segment' && !segment) continue;
    const h = await getHeatmap(ctx, segment ? { segment_id: segment } : {});
    const best = h.best_hours[weekday];
    if (best && best.hour !== null) return { time: `${String(best.hour).padStart(2, '0')}:00`, weekday, source, read_rate: best.read_rate, sent: best.sent };
  }
  return { time: s.fallback_time ?? BEST_HOUR_FALLBACK_TIME, weekday, source: 'fallback', read_rate: null, sent: 0 };
}
