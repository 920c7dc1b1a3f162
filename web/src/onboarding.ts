// The Overview's getting-started checklist: each step is ticked from real data, read through the
// public API in one request (GET /api/v1/workspace/onboarding).
import { gl, unwrap } from './api-client';
import type { ResponseOf } from './api-schema';

/** The workspace's `settings.onboarding`. */
export interface OnboardingSettings {
  keep_sandbox?: boolean;
  hidden?: boolean;
}

/** The tabs a step links to (a subset of the dashboard's sections). */
export type StepSection = 'phone-numbers' | 'topics' | 'optin-sources' | 'imports' | 'templates' | 'broadcasts';

/** One step of the checklist. */
export interface OnboardingStep {
  id: 'number' | 'topic' | 'source' | 'import' | 'template' | 'broadcast';
  title: string;
  hint: string;
  done: boolean;
  section: StepSection;
  link: string;
}

/** What the steps are computed from: yes/no facts about the workspace. */
export type OnboardingFacts = ResponseOf<'/api/v1/workspace/onboarding', 'get'>;

/** Reads what the checklist needs: one request, answered by one SQL statement on the server. */
export const loadOnboardingFacts = () => unwrap(gl.GET('/api/v1/workspace/onboarding'));

/** True when only the bundled simulator's number is connected (so "Keep the sandbox" is a real choice). */
export function onlySandbox(facts: OnboardingFacts): boolean {
  return facts.sandbox_number && !facts.real_number;
}

/** The six steps, in the order a shop owner does them. */
export function onboardingSteps(facts: OnboardingFacts, settings: OnboardingSettings): OnboardingStep[] {
  const realNumber = facts.real_number;
  return [
    {
      id: 'number',
      title: 'Connect your WhatsApp number',
      hint: realNumber ? 'A Cloud API number is connected.' : settings.keep_sandbox ? 'You chose to keep the sandbox for now.' : 'Connect a Cloud API number, or keep the sandbox to try things first.',
      done: realNumber || settings.keep_sandbox === true,
      section: 'phone-numbers',
      link: 'Phone numbers',
    },
    { id: 'topic', title: 'Create a topic', hint: 'What people subscribe to, e.g. “Offers” or “Order updates”.', done: facts.topic, section: 'topics', link: 'Topics' },
    // Opt-in sources have no tab of their own yet: the Topics tab is where consent starts.
    { id: 'source', title: 'Publish an opt-in source', hint: 'A QR code, link or sign-up page people join through.', done: facts.active_source, section: 'optin-sources', link: 'Opt-in sources' },
    { id: 'import', title: 'Import a list', hint: 'Bring in contacts who already agreed to hear from you.', done: facts.completed_import, section: 'imports', link: 'Imports' },
    { id: 'template', title: 'Create a template', hint: 'Meta approves the message before a broadcast can use it.', done: facts.template, section: 'templates', link: 'Templates' },
    { id: 'broadcast', title: 'Send your first broadcast', hint: 'Pick an audience and a template, then send.', done: facts.sent_broadcast, section: 'broadcasts', link: 'Broadcasts' },
  ];
}
