// How automations read in the UI: statuses, run states, step outcomes, reasons and triggers.
import type { Automation, AutomationStatus, AutomationTrigger } from './automations-api';

const STATUS: Record<AutomationStatus, string> = { draft: 'Draft', published: 'Live', paused: 'Paused', archived: 'Archived' };
/** "Live" for published, and so on. */
export const automationStatusLabel = (s: string): string => STATUS[s as AutomationStatus] ?? s;

const STATES: Record<string, string> = { active: 'Running', waiting: 'Waiting', completed: 'Completed', converted: 'Converted', exited: 'Left early', failed: 'Failed' };
/** A run's state in words. */
export const runStateLabel = (s: string): string => STATES[s] ?? s;

/** The run counts the UI shows, in order, with their labels. */
export const RUN_COUNTS: readonly { key: string; label: string }[] = [
  { key: 'enrolled', label: 'Enrolled' },
  { key: 'active', label: 'Running' },
  { key: 'waiting', label: 'Waiting' },
  { key: 'completed', label: 'Completed' },
  { key: 'converted', label: 'Converted' },
  { key: 'exited', label: 'Left early' },
  { key: 'failed', label: 'Failed' },
];

/** Per-step counts in the order they read best, with their labels. */
export const STEP_COUNTS: readonly { key: string; label: string }[] = [
  { key: 'sent', label: 'sent' },
  { key: 'delivered', label: 'delivered' },
  { key: 'read', label: 'read' },
  { key: 'clicked', label: 'clicked' },
  { key: 'converted', label: 'converted' },
  { key: 'failed', label: 'failed' },
  { key: 'waited', label: 'waited' },
  { key: 'deferred', label: 'held back' },
  { key: 'asked', label: 'asked' },
  { key: 'answered', label: 'answered' },
  { key: 'replied', label: 'replied' },
  { key: 'happened', label: 'happened in time' },
  { key: 'timed_out', label: 'not in time' },
  { key: 'not_clicked', label: 'did not click' },
  { key: 'handed_over', label: 'handed over' },
  { key: 'then', label: 'matched' },
  { key: 'else', label: 'did not match' },
  { key: 'done', label: 'done' },
  { key: 'skipped', label: 'skipped' },
  { key: 'exited', label: 'left here' },
];

const OUTCOMES: Record<string, string> = {
  sent: 'Sent',
  waited: 'Waited',
  deferred: 'Held back',
  skipped: 'Skipped',
  exited: 'Left here',
  done: 'Done',
  then: 'Matched',
  else: 'Did not match',
  asked: 'Asked',
  answered: 'Answered',
  replied: 'Answered',
  happened: 'It happened',
  timed_out: 'Not in time',
  clicked: 'Clicked',
  not_clicked: 'Did not click',
  failed: 'Failed',
  handed_over: 'Handed over',
};
/** What a step did for one person, in words. */
export const outcomeLabel = (o: string): string => OUTCOMES[o] ?? o;

const REASONS: Record<string, string> = {
  consent_withdrawn: 'consent withdrawn (they said STOP)',
  no_consent: 'no consent to the topic',
  suppressed: 'the number is suppressed',
  unreachable: 'not reachable on WhatsApp',
  paused_by_contact: 'they paused offers in the preference centre',
  archived: 'the automation was archived',
};
/** Why a run or step ended as it did: known codes in words, anything else as the API said it. */
export const runReasonLabel = (r: string | null): string => (r === null ? '—' : (REASONS[r] ?? r));

/** A start the settings form has no fields for (dates, stages, segments, buttons), in words; '' for the others (see automation-triggers.ts). */
export function describeTrigger(t: AutomationTrigger): string {
  switch (t.type) {
    case 'date':
      return t.attribute ? `On the date in “${t.attribute}”${t.yearly ? ', every year' : ''}` : `Around the time of each “${t.event}” event`;
    case 'stage':
      return `Someone becomes ${t.stage.replace('_', ' ')}`;
    case 'segment':
      return 'Someone enters a saved segment';
    case 'button':
      return `Someone taps a button (${t.payload.join(', ')})`;
    default:
      return '';
  }
}

/** What enrols people, in words. */
export function triggerText(t: AutomationTrigger): string {
  if (t.type === 'tag') return `the tag “${t.tag}” is ${t.change === 'removed' ? 'removed from' : 'added to'} someone`;
  if (t.type === 'attribute') return `“${t.attribute}” changes${t.equals === undefined ? '' : ` to “${String(t.equals)}”`}`;
  if (t.type === 'broadcast_not_read') return `someone has not read ${t.broadcast_id ? 'the chosen broadcast' : 'a broadcast on the topic'} ${t.days === 1 ? 'a day' : `${t.days} days`} after it was sent`;
  if (t.type === 'date') return t.attribute ? `the date in “${t.attribute}” comes${t.yearly ? ' (every year)' : ''}` : `the time of a “${t.event}” event comes`;
  const other = describeTrigger(t);
  if (other) return other.charAt(0).toLowerCase() + other.slice(1);
  if (t.type === 'opt_in') return 'someone agrees to the topic';
  if (t.type === 'inbound') return `someone sends a keyword${t.keywords && t.keywords.length > 0 ? ` (${t.keywords.join(', ')})` : ''}`;
  if (t.type === 'event') return `the customer event “${t.event}” happens${t.where && Object.keys(t.where).length > 0 ? ` (with ${Object.entries(t.where).map(([k, v]) => `${k} = ${String(v)}`).join(', ')})` : ''}`;
  return 'you enrol people (here or through the API)';
}

/** "Version 2 is live", "Not published yet", … */
export function versionText(a: Pick<Automation, 'status' | 'version'>): string {
  if (a.version === null) return 'Not published yet';
  if (a.status === 'paused') return `Version ${a.version}, paused`;
  if (a.status === 'archived') return `Version ${a.version}, archived`;
  return `Version ${a.version} is live`;
}
