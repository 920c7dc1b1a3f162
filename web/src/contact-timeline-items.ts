// A contact's timeline, composed in the browser from the API's per-kind lists (messages, consent
// ledger, customer events, lifecycle transitions, automation runs): one list, newest first.
import type { ConsentEvent } from './api-client';
import type { ContactCustomerEvent, ContactMessage, ContactRun, ContactTransition } from './contacts-api';

/** What a timeline entry is. */
export type TimelineKind = 'message' | 'consent' | 'event' | 'lifecycle' | 'automation';

/** One timeline entry: when, what kind, a one-line summary and, for consent, its proof. */
export interface TimelineItem {
  key: string;
  kind: TimelineKind;
  at: string;
  title: string;
  detail?: string;
  consent?: ConsentEvent;
}

/** Everything the timeline is made from (a list that failed to load is simply absent). */
export interface TimelineSources {
  messages?: ContactMessage[];
  consent?: ConsentEvent[];
  events?: ContactCustomerEvent[];
  transitions?: ContactTransition[];
  runs?: ContactRun[];
}

/** What a consent event was about, in words. */
function consentTitle(e: ConsentEvent): string {
  const topic = e.topic === null || e.topic === '*' ? 'all topics' : `“${e.topic}”`;
  if (e.action === 'grant') return `Consent given to ${topic}`;
  if (e.action === 'withdraw') return `Consent withdrawn from ${topic}`;
  if (e.action === 'pause') return 'Paused messages (preference centre)';
  if (e.action === 'resume') return 'Resumed messages (preference centre)';
  return `Changed how often they hear from you: ${String(e.evidence.frequency ?? '')}`;
}

/** A customer event's amount, when it has one. */
function eventDetail(e: ContactCustomerEvent): string | undefined {
  const parts = [e.amount ? `${e.amount} ${e.currency ?? ''}`.trim() : '', e.products.length > 0 ? e.products.join(', ') : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The automation run's entries: enrolled, and finished when it did. */
function runItems(r: ContactRun): TimelineItem[] {
  const items: TimelineItem[] = [{ key: `run-${r.id}`, kind: 'automation', at: r.enrolled_at, title: `Entered the automation “${r.automation_name}”`, detail: `now ${r.state}` }];
  if (r.finished_at) items.push({ key: `run-end-${r.id}`, kind: 'automation', at: r.finished_at, title: `Left the automation “${r.automation_name}”`, detail: r.state });
  return items;
}

/** All sources merged into one list, newest first. */
export function timelineOf(s: TimelineSources): TimelineItem[] {
  const items: TimelineItem[] = [
    ...(s.messages ?? []).map((m): TimelineItem => ({
      key: `msg-${m.id}`,
      kind: 'message',
      at: m.created_at,
      title: m.direction === 'in' ? 'Message received' : 'Message sent',
      detail: [m.text ?? `(${m.type})`, m.direction === 'out' ? m.status : ''].filter(Boolean).join(' · '),
    })),
    ...(s.consent ?? []).map((e): TimelineItem => ({ key: `consent-${e.id}`, kind: 'consent', at: e.occurred_at, title: consentTitle(e), detail: `via ${e.source}`, consent: e })),
    ...(s.events ?? []).map((e): TimelineItem => ({ key: `event-${e.id}`, kind: 'event', at: e.occurred_at, title: `Customer event: ${e.type}`, detail: eventDetail(e) })),
    ...(s.transitions ?? []).map((t): TimelineItem => ({ key: `life-${t.at}-${t.from}-${t.to}`, kind: 'lifecycle', at: t.at, title: `Lifecycle: ${t.from} → ${t.to}`, detail: t.reason })),
    ...(s.runs ?? []).flatMap(runItems),
  ];
  return items.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.key.localeCompare(b.key));
}
