// The Overview's getting-started checklist: each step is ticked from real data read through the public API.
import { apiRequest, listPhoneNumbers, listTopics, query, type Page, type PhoneNumber } from './api-client';
import type { ItemOf, ResponseOf } from './api-schema';
import { listBroadcasts, type Broadcast } from './broadcasts-api';

type OptinSource = ItemOf<ResponseOf<'/api/v1/optin-sources', 'get'>>;
type Import = ItemOf<ResponseOf<'/api/v1/imports', 'get'>>;
type Template = ItemOf<ResponseOf<'/api/v1/templates', 'get'>>;

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

/** What the steps are computed from. */
export interface OnboardingFacts {
  numbers: PhoneNumber[];
  topics: number;
  activeSources: number;
  imports: Import[];
  templates: number;
  broadcasts: Broadcast[];
}

// A broadcast has been sent once it left draft/scheduled (cancelled ones may never have sent).
const SENT_STATES = new Set(['sending', 'paused', 'completed']);

/** Reads what the checklist needs: six small reads in parallel, each a first page. */
export async function loadOnboardingFacts(): Promise<OnboardingFacts> {
  const [numbers, topics, sources, imports, templates, broadcasts] = await Promise.all([
    listPhoneNumbers(),
    listTopics(),
    apiRequest<Page<OptinSource>>('GET', `/optin-sources${query({ status: 'active', limit: 1 })}`),
    apiRequest<Page<Import>>('GET', `/imports${query({ limit: 50 })}`),
    apiRequest<Page<Template>>('GET', `/templates${query({ limit: 1 })}`),
    listBroadcasts(undefined, 100),
  ]);
  return { numbers: numbers.data, topics: topics.data.length, activeSources: sources.data.length, imports: imports.data, templates: templates.data.length, broadcasts: broadcasts.data };
}

/** True when only the bundled simulator's number is connected (so "Keep the sandbox" is a real choice). */
export function onlySandbox(facts: OnboardingFacts): boolean {
  return facts.numbers.length > 0 && facts.numbers.every((n) => n.is_sandbox);
}

/** The six steps, in the order a shop owner does them. */
export function onboardingSteps(facts: OnboardingFacts, settings: OnboardingSettings): OnboardingStep[] {
  const realNumber = facts.numbers.some((n) => !n.is_sandbox);
  return [
    {
      id: 'number',
      title: 'Connect your WhatsApp number',
      hint: realNumber ? 'A Cloud API number is connected.' : settings.keep_sandbox ? 'You chose to keep the sandbox for now.' : 'Connect a Cloud API number, or keep the sandbox to try things first.',
      done: realNumber || settings.keep_sandbox === true,
      section: 'phone-numbers',
      link: 'Phone numbers',
    },
    { id: 'topic', title: 'Create a topic', hint: 'What people subscribe to, e.g. “Offers” or “Order updates”.', done: facts.topics > 0, section: 'topics', link: 'Topics' },
    // Opt-in sources have no tab of their own yet: the Topics tab is where consent starts.
    { id: 'source', title: 'Publish an opt-in source', hint: 'A QR code, link or sign-up page people join through.', done: facts.activeSources > 0, section: 'optin-sources', link: 'Opt-in sources' },
    { id: 'import', title: 'Import a list', hint: 'Bring in contacts who already agreed to hear from you.', done: facts.imports.some((i) => i.status === 'completed' && !i.dry_run), section: 'imports', link: 'Imports' },
    { id: 'template', title: 'Create a template', hint: 'Meta approves the message before a broadcast can use it.', done: facts.templates > 0, section: 'templates', link: 'Templates' },
    { id: 'broadcast', title: 'Send your first broadcast', hint: 'Pick an audience and a template, then send.', done: facts.broadcasts.some((b) => SENT_STATES.has(b.status)), section: 'broadcasts', link: 'Broadcasts' },
  ];
}
