// Recipes: ready automations a shop owner adjusts. Each one names the templates it needs (slots)
// and builds a definition from them; the draft is then checked like any other.
import type { DefinitionIn, StepIn } from './automations.schemas.js';

/** A template a recipe needs, by the role it plays ("welcome", "offer"). */
export interface RecipeSlot {
  key: string;
  label: string;
}

/** What a recipe is given: the topic, the template per slot, and its numbers (days, keywords). */
export interface RecipeInput {
  topic: string;
  templates: Record<string, { name: string; language: string; variables?: Record<string, unknown> | undefined }>;
  days?: number | undefined;
}

/** A recipe: what it does, the templates and attributes it needs, and how it builds the definition. */
export interface Recipe {
  key: string;
  name: string;
  description: string;
  slots: RecipeSlot[];
  /** Attributes it stores answers in or reads (created as text attributes if missing, or as dates). */
  attributes: { key: string; type: 'string' | 'number' | 'date' }[];
  build(input: RecipeInput): DefinitionIn;
}

const tpl = (input: RecipeInput, slot: string): StepIn & { type: 'send_template' } => ({ id: slot.replace(/_/g, '-'), type: 'send_template', template: input.templates[slot] as never });
const def = (input: RecipeInput, trigger: DefinitionIn['trigger'], steps: StepIn[], extra: Partial<DefinitionIn> = {}): DefinitionIn => ({ trigger, topic: input.topic, steps, ...extra });

/** Every recipe, in the order the gallery shows them. */
export const RECIPES: Recipe[] = [
  {
    key: 'welcome_series',
    name: 'Welcome series',
    description: 'When someone opts in: a welcome, two days later a question about their interests (stored on the contact), and a first offer a week in.',
    slots: [
      { key: 'welcome', label: 'Welcome message' },
      { key: 'offer', label: 'First offer' },
    ],
    attributes: [{ key: 'interests', type: 'string' }],
    build: (i) =>
      def(i, { type: 'opt_in' }, [
        tpl(i, 'welcome'),
        { id: 'pause', type: 'wait', duration: { days: 2 } },
        { id: 'interests', type: 'ask', question: 'What would you like to hear about from us? Just reply in a few words.', attribute: 'interests', timeout: { days: 2 } },
        { id: 'later', type: 'wait', duration: { days: i.days ?? 5 }, until_time: '10:00' },
        tpl(i, 'offer'),
      ]),
  },
  {
    key: 'post_purchase',
    name: 'Thank you after a purchase',
    description: 'After a purchase: a thank-you, a review request some days later, and a related offer after that.',
    slots: [
      { key: 'thanks', label: 'Thank-you message' },
      { key: 'review', label: 'Review request' },
      { key: 'cross_sell', label: 'Related offer' },
    ],
    attributes: [],
    build: (i) =>
      def(i, { type: 'event', event: 'purchase' }, [tpl(i, 'thanks'), { id: 'wait-review', type: 'wait', duration: { days: i.days ?? 7 }, until_time: '10:00' }, tpl(i, 'review'), { id: 'wait-offer', type: 'wait', duration: { days: 3 }, until_time: '10:00' }, tpl(i, 'cross_sell')], { reentry_days: 30 }),
  },
  {
    key: 'appointment_reminder',
    name: 'Appointment reminder',
    description: 'Reminds people 24 hours and 2 hours before an appointment (event "appointment_booked" with its time in "starts_at").',
    slots: [{ key: 'reminder', label: 'Reminder message' }],
    attributes: [],
    build: (i) =>
      def(i, { type: 'date', event: 'appointment_booked', property: 'starts_at', offset: { hours: -24 } }, [
        { ...tpl(i, 'reminder'), id: 'day-before' },
        { id: 'until-2h', type: 'wait', duration: { hours: 22 } },
        { ...tpl(i, 'reminder'), id: 'two-hours-before' },
      ]),
  },
  {
    key: 'birthday',
    name: 'Birthday offer',
    description: 'On their birthday (attribute "birthday", a date), at 10:00 in their time zone, every year.',
    slots: [{ key: 'offer', label: 'Birthday offer' }],
    attributes: [{ key: 'birthday', type: 'date' }],
    build: (i) => def(i, { type: 'date', attribute: 'birthday', yearly: true, at_time: '10:00' }, [tpl(i, 'offer')]),
  },
  {
    key: 'cart_abandonment',
    name: 'Abandoned cart',
    description: 'An hour after a "cart_abandoned" event, a reminder; it stops as converted when they buy.',
    slots: [{ key: 'reminder', label: 'Cart reminder' }],
    attributes: [],
    build: (i) => def(i, { type: 'event', event: 'cart_abandoned' }, [{ id: 'pause', type: 'wait', duration: { hours: 1 } }, tpl(i, 'reminder')], { goal: { event: 'purchase' }, reentry_days: 7 }),
  },
  {
    key: 'win_back',
    name: 'Win back dormant customers',
    description: 'When someone becomes dormant: a gentle message; no answer in 14 days moves them to a low-frequency stream (tag "low-frequency").',
    slots: [{ key: 'gentle', label: 'Gentle message' }],
    attributes: [],
    build: (i) =>
      def(i, { type: 'stage', stage: 'dormant' }, [
        tpl(i, 'gentle'),
        { id: 'answer', type: 'wait_for_reply', timeout: { days: i.days ?? 14 }, on_reply: 'done', on_timeout: 'low' },
        { id: 'low', type: 'tag', add: ['low-frequency'], next: 'done' },
        { id: 'done', type: 'end' },
      ]),
  },
  {
    key: 're_permission',
    name: 'Re-permission',
    description: 'For a segment of people who agreed long ago and have not engaged: asks if they still want messages; no "yes" within 7 days withdraws their marketing consent, with that reason.',
    slots: [{ key: 'ask', label: 'Do you still want to hear from us? (with Yes / No buttons)' }],
    attributes: [],
    build: (i) =>
      def(i, { type: 'api' }, [
        tpl(i, 'ask'),
        { id: 'answer', type: 'wait_for_reply', timeout: { days: i.days ?? 7 }, on_timeout: 'withdraw' },
        { id: 'yes', type: 'branch', reply: { equals: ['yes', 'y', 'si', 'sí', 'oui', 'ja'], contains: ['yes'], payload: ['yes', 'YES'] }, then: 'keep', else: 'withdraw' },
        { id: 'keep', type: 'tag', add: ['re-permitted'], next: 'done' },
        { id: 'withdraw', type: 'withdraw_consent', reason: 'no yes to the re-permission request' },
        { id: 'done', type: 'end' },
      ]),
  },
  {
    key: 'nps',
    name: 'How are we doing? (NPS)',
    description: 'Asks for a score from 0 to 10 (stored in "nps"); promoters get a thank-you, others are tagged for a follow-up.',
    slots: [],
    attributes: [{ key: 'nps', type: 'number' }],
    build: (i) =>
      def(i, { type: 'api' }, [
        { id: 'score', type: 'ask', question: 'How likely are you to recommend us to a friend, from 0 to 10?', attribute: 'nps', timeout: { days: 2 }, on_timeout: 'done' },
        { id: 'promoter', type: 'branch', rules: { attribute: 'nps', op: 'gte', value: 9 }, then: 'thanks', else: 'follow-up' },
        { id: 'thanks', type: 'send_message', text: 'Thank you! That means a lot to us.', next: 'done' },
        { id: 'follow-up', type: 'tag', add: ['nps-follow-up'] },
        { id: 'done', type: 'end' },
      ]),
  },
  {
    key: 'menu_bot',
    name: 'FAQ and order-tracking menu',
    description: 'Someone writes "menu": they get buttons for opening hours, their order, or a person; a person is flagged with the tag "needs-human".',
    slots: [],
    attributes: [],
    build: (i) =>
      def(i, { type: 'inbound', keywords: ['help', 'hi', 'hello'] }, [
        { id: 'menu', type: 'send_message', text: 'How can we help?', buttons: [{ id: 'hours', title: 'Opening hours' }, { id: 'order', title: 'My order' }, { id: 'human', title: 'Talk to a person' }] },
        { id: 'choice', type: 'wait_for_reply', timeout: { hours: 1 }, on_timeout: 'done' },
        { id: 'is-hours', type: 'branch', reply: { payload: ['hours'], contains: ['hour', 'open'] }, then: 'hours', else: 'is-order' },
        { id: 'is-order', type: 'branch', reply: { payload: ['order'], contains: ['order', 'track'] }, then: 'order', else: 'human' },
        { id: 'hours', type: 'send_message', text: 'We are open Monday to Saturday, 9:00 to 18:00.', next: 'done' },
        { id: 'order', type: 'send_message', text: 'Please reply with your order number and we will check it for you.', next: 'done' },
        { id: 'human', type: 'tag', add: ['needs-human'] },
        { id: 'human-reply', type: 'send_message', text: 'Someone from our team will answer you here shortly.' },
        { id: 'done', type: 'end' },
      ]),
  },
];
