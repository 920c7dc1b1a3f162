// Starting points for a new automation (kept in the browser for now): the person picks one and adjusts it.
import type { AutomationDefinition } from './automations-api';

export interface AutomationPreset {
  key: string;
  name: string;
  description: string;
  definition: Omit<AutomationDefinition, 'topic'>;
}

const noTemplate = { name: '', language: '' };

export const AUTOMATION_PRESETS: readonly AutomationPreset[] = [
  {
    key: 'welcome',
    name: 'Welcome series',
    description: 'When someone agrees to the topic: a welcome template, then 2 days later a follow-up.',
    definition: {
      trigger: { type: 'opt_in' },
      steps: [
        { id: 'welcome', type: 'send_template', template: noTemplate },
        { id: 'wait', type: 'wait', duration: { days: 2 } },
        { id: 'follow-up', type: 'send_template', template: noTemplate },
      ],
    },
  },
  {
    key: 'win-back',
    name: 'Win-back',
    description: 'A “we miss you” template, then 14 days later a tag so you can see who got it.',
    definition: {
      trigger: { type: 'api' },
      steps: [
        { id: 'we-miss-you', type: 'send_template', template: noTemplate },
        { id: 'wait', type: 'wait', duration: { days: 14 } },
        { id: 'mark', type: 'tag', add: ['win-back-sent'] },
      ],
    },
  },
  {
    key: 'blank',
    name: 'Blank',
    description: 'One step to start from; add the rest yourself.',
    definition: { trigger: { type: 'api' }, steps: [{ id: 'message', type: 'send_template', template: noTemplate }] },
  },
];
