// A saved broadcast turned back into the composer's drafts (to edit it), and into a new draft's input (to duplicate it).
import type { AudienceDraft } from './broadcast-audience-fields';
import { NOW_DRAFT, type ScheduleDraft } from './broadcast-schedule';
import type { Broadcast, BroadcastInput } from './broadcasts-api';
import type { VariableSource } from './templates-api';
import { EMPTY_DRAFT, type VariableDraft } from './variable-mapping';

/** The composer's audience choice for a saved audience (segment or all contacts; the first segment left out). */
export function audienceDraftOf(b: Broadcast): AudienceDraft {
  const exclude = (b.audience.exclude ?? []).find((p): p is { segment_id: string } => 'segment_id' in p);
  return { topic: b.topic ?? '', segment: b.audience.segment_id ?? '', exclude: exclude?.segment_id ?? '' };
}

/** The editable rows of saved variables; tracked links are not editable here and are left out (see trackedLinksOf). */
export function variableDraftsOf(vars: Record<string, VariableSource>): Record<string, VariableDraft> {
  const out: Record<string, VariableDraft> = {};
  for (const [k, v] of Object.entries(vars)) {
    const fallback = 'fallback' in v && v.fallback !== undefined ? v.fallback : '';
    if ('field' in v) out[k] = { ...EMPTY_DRAFT, kind: 'field', field: v.field, fallback };
    else if ('attribute' in v) out[k] = { ...EMPTY_DRAFT, kind: 'attribute', attribute: v.attribute, fallback };
    else if ('value' in v) out[k] = { ...EMPTY_DRAFT, kind: 'value', value: v.value };
  }
  return out;
}

/** The variables that send a tracked link: kept as they are when the draft is edited with the same template. */
export function trackedLinksOf(vars: Record<string, VariableSource>): Record<string, VariableSource> {
  return Object.fromEntries(Object.entries(vars).filter(([, v]) => 'tracked_link' in v));
}

/** `YYYY-MM-DDTHH:MM` in the viewer's zone, as a datetime-local input shows it. */
function localInputValue(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The composer's schedule choice for a saved schedule. */
export function scheduleDraftOf(b: Broadcast): ScheduleDraft {
  const s = b.schedule;
  if (s.type === 'at') return { ...NOW_DRAFT, type: 'at', at: localInputValue(s.at) };
  if (s.type === 'best_hour') return { ...NOW_DRAFT, type: 'best_hour', date: s.date, fallbackTime: s.fallback_time ?? '', fallbackZone: s.fallback_timezone ?? '', ...(s.send_late ? { sendLate: true } : {}) };
  if (s.type === 'local') return { ...NOW_DRAFT, type: 'local', date: s.date, time: s.time, fallbackZone: s.fallback_timezone ?? '', ...(s.send_late ? { sendLate: true } : {}) };
  return NOW_DRAFT;
}

/** A new draft with every setting of `b` (audience, template and variables, links, schedule, number), named "Copy of …". */
export function duplicateInput(b: Broadcast): BroadcastInput {
  return {
    name: `Copy of ${b.name}`.slice(0, 200),
    ...(b.number_id ? { number_id: b.number_id } : {}),
    audience: { ...b.audience, topic: b.topic ?? '' },
    template: { name: b.template.name, language: b.template.language, variables: b.template.variables },
    ...(b.links.length > 0 ? { links: b.links } : {}),
    schedule: b.schedule,
  };
}
