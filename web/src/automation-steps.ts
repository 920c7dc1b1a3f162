// The step editor's model: what each kind of step is called and does, new steps with free ids,
// and how steps read in a summary ("Wait 2 days, then until 10:00").
import type { AutomationStep, StepType } from './automations-api';
import { whereText } from './automation-where';

/** Each kind of step, in the order the "Add a step" menu offers them, with its name and a one-line help. */
export const STEP_TYPES: readonly { type: StepType; label: string; help: string }[] = [
  { type: 'send_template', label: 'Send a template', help: 'Sends an approved WhatsApp template. It can go out at any time, also when the person has not written to you lately.' },
  { type: 'send_message', label: 'Send a message', help: 'Sends your own text. WhatsApp allows this only within 24 hours of the person’s last message; otherwise the fallback template goes, or the step is skipped.' },
  { type: 'wait', label: 'Wait', help: 'Holds the person here for a while, then goes on. Add a time of day to send at a friendly hour in their own time zone.' },
  { type: 'ask', label: 'Ask a question', help: 'Asks in the chat and stores a valid answer on the person (the attribute’s type checks it; they are asked again if it does not fit).' },
  { type: 'wait_for_reply', label: 'Wait for a reply', help: 'Waits until the person answers, or goes the other way when they do not answer in time.' },
  { type: 'wait_for_event', label: 'Wait for a customer event', help: 'Waits until the person does something your shop system reports (e.g. a purchase): one way when it happens, the other way when it does not happen in time.' },
  { type: 'wait_for_click', label: 'Wait for a click', help: 'Waits until the person opens a tracked link this automation sent them: one way when they click, the other way when they do not in time.' },
  { type: 'branch', label: 'Check a condition', help: 'Looks at the person now: if they match the conditions they go one way, otherwise the other.' },
  { type: 'webhook', label: 'Tell your systems', help: 'Sends a signed webhook (automation.webhook) with the person and the values you set to every endpoint in the Webhooks tab that listens for it; retried for 3 days.' },
  { type: 'tag', label: 'Add or remove tags', help: 'Changes the person’s tags, e.g. to remember they got this series.' },
  { type: 'set_attribute', label: 'Set an attribute', help: 'Stores a value on the person, e.g. “series” = “done”.' },
  { type: 'withdraw_consent', label: 'Stop their messages', help: 'Withdraws the person’s consent for this topic, with the reason in the consent ledger (e.g. no answer to a re-permission request).' },
  { type: 'hand_over', label: 'Hand over to a person', help: 'Passes the chat to your team’s inbox with a note; keyword and button bots leave the person alone until someone on the team closes the conversation.' },
  { type: 'end', label: 'End', help: 'The person leaves the automation here.' },
];

const ID_PREFIX: Record<StepType, string> = {
  send_template: 'message',
  send_message: 'text',
  wait: 'wait',
  ask: 'question',
  wait_for_reply: 'reply',
  wait_for_event: 'event',
  wait_for_click: 'click',
  branch: 'check',
  webhook: 'webhook',
  tag: 'tag',
  set_attribute: 'attribute',
  withdraw_consent: 'withdraw',
  hand_over: 'handover',
  end: 'end',
};

/** The name of a kind of step. */
export const stepTypeLabel = (type: string): string => STEP_TYPES.find((t) => t.type === type)?.label ?? type;
/** The one-line help of a kind of step. */
export const stepTypeHelp = (type: string): string => STEP_TYPES.find((t) => t.type === type)?.help ?? '';

/** An id no other step has: `wait`, then `wait-2`, `wait-3`… */
export function freeStepId(type: StepType, steps: readonly AutomationStep[]): string {
  const taken = new Set(steps.map((s) => s.id));
  const base = ID_PREFIX[type];
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`;
}

/** A new step of a kind, with an id no other step has and empty or sensible fields. */
export function newStep(type: StepType, steps: readonly AutomationStep[]): AutomationStep {
  const id = freeStepId(type, steps);
  switch (type) {
    case 'send_template':
      return { id, type, template: { name: '', language: '' } };
    case 'send_message':
      return { id, type, text: '' };
    case 'wait':
      return { id, type, duration: { days: 1 } };
    case 'branch': {
      const end = steps.find((s) => s.type === 'end')?.id ?? id;
      return { id, type, rules: { all: [{ field: 'tags', op: 'contains', value: '' }] }, then: end, else: end };
    }
    case 'ask':
      return { id, type, question: '', attribute: '', timeout: { days: 1 } };
    case 'wait_for_reply':
      return { id, type, timeout: { days: 1 } };
    case 'wait_for_event':
      return { id, type, event: '', timeout: { days: 3 } };
    case 'wait_for_click':
      return { id, type, timeout: { days: 2 } };
    case 'webhook':
      return { id, type, name: '' };
    case 'tag':
      return { id, type, add: [] };
    case 'set_attribute':
      return { id, type, key: '', value: '' };
    case 'withdraw_consent':
      return { id, type, reason: 'no answer' };
    case 'hand_over':
    case 'end':
      return { id, type };
  }
}

/** "Step 3 · Wait" for a step id, or the id itself when no step has it (an older version's step). */
export function stepName(steps: readonly AutomationStep[], id: string): string {
  const i = steps.findIndex((s) => s.id === id);
  return i < 0 ? id : `Step ${i + 1} · ${stepTypeLabel(steps[i]!.type)}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "2 days 3 hours", or "" for no duration. */
export function durationText(d: { days?: number; hours?: number; minutes?: number } | undefined): string {
  if (!d) return '';
  return [d.days ? plural(d.days, 'day') : '', d.hours ? plural(d.hours, 'hour') : '', d.minutes ? plural(d.minutes, 'minute') : ''].filter(Boolean).join(' ');
}

/** What a step does, in one line. */
export function stepSummary(step: AutomationStep, steps: readonly AutomationStep[]): string {
  switch (step.type) {
    case 'send_template':
      return step.template.name ? `${step.template.name} (${step.template.language})` : 'no template chosen';
    case 'send_message':
      return `“${step.text.length > 80 ? `${step.text.slice(0, 80)}…` : step.text}”${step.fallback_template ? `, or ${step.fallback_template.name} when the chat window is closed` : ''}`;
    case 'wait': {
      const d = durationText(step.duration);
      const on = step.on_days ? `on ${step.on_days.join('/')}` : '';
      const until = step.until_time || on ? [`until ${step.until_time ?? 'the day'}`, on, '(their time)'].filter(Boolean).join(' ') : '';
      return [d, until].filter(Boolean).join(', then ') || 'no time set';
    }
    case 'ask':
      return `“${step.question}” → stored in ${step.attribute || '(no attribute)'}; no answer in ${durationText(step.timeout) || 'time'}${step.on_timeout ? ` → ${stepName(steps, step.on_timeout)}` : ''}`;
    case 'wait_for_reply':
      return `up to ${durationText(step.timeout) || '?'}${step.on_reply ? `; answered → ${stepName(steps, step.on_reply)}` : ''}${step.on_timeout ? `; no answer → ${stepName(steps, step.on_timeout)}` : ''}`;
    case 'wait_for_event': {
      const where = whereText(step.where);
      const to = (target: string | undefined) => (target ? stepName(steps, target) : 'the next step');
      return `“${step.event || '?'}”${where ? ` with ${where}` : ''} within ${durationText(step.timeout) || '?'}; it happens → ${to(step.on_event)}; not in time → ${to(step.on_timeout)}`;
    }
    case 'wait_for_click': {
      const to = (target: string | undefined) => (target ? stepName(steps, target) : 'the next step');
      return `a tracked link within ${durationText(step.timeout) || '?'}; clicked → ${to(step.on_click)}; not in time → ${to(step.on_timeout)}`;
    }
    case 'branch':
      return step.reply
        ? `their reply is ${[...(step.reply.equals ?? []), ...(step.reply.payload ?? [])].join(' / ') || (step.reply.contains ?? []).join(' / ')} → ${stepName(steps, step.then)}; otherwise → ${stepName(steps, step.else)}`
        : `matches → ${stepName(steps, step.then)}; otherwise → ${stepName(steps, step.else)}`;
    case 'webhook':
      return `“${step.name || '?'}” to your webhook endpoints${Object.keys(step.data ?? {}).length ? ` with ${Object.entries(step.data ?? {}).map(([k, v]) => `${k} = ${String(v)}`).join(', ')}` : ''}`;
    case 'tag':
      return [step.add?.length ? `add ${step.add.join(', ')}` : '', step.remove?.length ? `remove ${step.remove.join(', ')}` : ''].filter(Boolean).join('; ') || 'no tags';
    case 'set_attribute':
      return `${step.key} = “${step.value}”`;
    case 'withdraw_consent':
      return `withdraws their consent: “${step.reason}”`;
    case 'hand_over':
      return `the chat goes to your team’s inbox${step.note ? ` with the note “${step.note}”` : ''}`;
    case 'end':
      return 'the person leaves the automation';
  }
}

/** Splits "a, b ,c" into ["a", "b", "c"]. */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type WayOut = 'on_reply' | 'on_event' | 'on_click' | 'on_timeout';

/** The step with a way out set (`on_reply`, `on_event`, `on_click`, `on_timeout`), or removed (the default: the next step) when none is chosen. */
export function withTarget<S extends Partial<Record<WayOut, string>>>(step: S, key: WayOut, target: string | undefined): S {
  const copy = { ...step };
  if (target) copy[key] = target as S[typeof key];
  else delete copy[key];
  return copy;
}
