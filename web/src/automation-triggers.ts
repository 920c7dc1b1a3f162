// The starts the settings form offers, in plain words, and the trigger a newly chosen one begins as
// (keeping what still fits, e.g. the event type when switching away and back).
import type { AutomationTrigger } from './automations-api';

/** The starts the form has fields for; the others (dates, stages, segments, buttons) come from recipes or the JSON view. */
export type EditableTriggerType = Extract<AutomationTrigger['type'], 'api' | 'event' | 'opt_in' | 'inbound' | 'tag' | 'attribute' | 'broadcast_not_read'>;

/** Each start the form offers, in the order it lists them, with its label. */
export const TRIGGERS: readonly { type: EditableTriggerType; label: string }[] = [
  { type: 'api', label: 'Only when I enrol people (here or through the API)' },
  { type: 'event', label: 'A customer event happens (e.g. a purchase)' },
  { type: 'opt_in', label: 'Someone agrees to the topic' },
  { type: 'inbound', label: 'Someone sends a keyword (e.g. HELP)' },
  { type: 'tag', label: 'A tag is added to someone or removed (e.g. vip)' },
  { type: 'attribute', label: 'Something about someone changes (an attribute, e.g. their plan)' },
  { type: 'broadcast_not_read', label: 'Someone has not read a broadcast after some days' },
];

/** True for a start the form has fields for. */
export const isEditableTrigger = (t: AutomationTrigger): boolean => TRIGGERS.some((x) => x.type === t.type);

/** The trigger a start chosen in the form begins as. */
export function switchTrigger(type: EditableTriggerType, current: AutomationTrigger): AutomationTrigger {
  switch (type) {
    case 'event':
      return { type, event: current.type === 'event' ? current.event : '' };
    case 'inbound':
      return { type, keywords: current.type === 'inbound' ? (current.keywords ?? []) : [] };
    case 'tag':
      return { type, tag: current.type === 'tag' ? current.tag : '' };
    case 'attribute':
      return { type, attribute: current.type === 'attribute' ? current.attribute : '' };
    case 'broadcast_not_read':
      return { type, days: 3 };
    default:
      return { type };
  }
}
