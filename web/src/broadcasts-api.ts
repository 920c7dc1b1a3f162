// Broadcasts through the public API (/api/v1/broadcasts).
import { apiRequest, query, type Page } from './api-client';
import type { VariableSource } from './templates-api';

/** Broadcast lifecycle, as the API names it. */
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** When a broadcast goes out: now, at one instant, or at a wall-clock time in each recipient's zone. */
export type Schedule = { type: 'now' } | { type: 'at'; at: string } | { type: 'local'; date: string; time: string; fallback_timezone?: string; send_late?: boolean };

/** One part of an audience: a saved segment or rules. */
export type AudiencePart = { segment_id: string } | { rules: Record<string, unknown> };

/** A new broadcast (saved as a draft). */
export interface BroadcastInput {
  name: string;
  audience: { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true; topic: string; exclude?: AudiencePart[] };
  template: { name: string; language: string; variables?: Record<string, VariableSource> };
  links?: string[];
  schedule?: Schedule;
}

/** Live per-state counts of a broadcast's recipients. */
export interface BroadcastCounts {
  planned: number;
  skipped: number;
  queued: number;
  sending: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  failed: number;
  opted_out: number;
  cancelled: number;
  uncertain: number;
  /** Matched by the audience but left out at start (not part of planned). */
  excluded: number;
}

/** A broadcast as the API shows it. */
export interface Broadcast {
  id: string;
  name: string;
  status: BroadcastStatus;
  number_id: string | null;
  topic: string | null;
  audience: { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true; exclude?: AudiencePart[] };
  template: { id: string | null; name: string; language: string; category: string; variables: Record<string, VariableSource> };
  links: string[];
  schedule: Schedule;
  start_at: string | null;
  pause_reason: string | null;
  pause_code: string | null;
  plan: Record<string, unknown>;
  counts: BroadcastCounts;
  skipped_by_reason: Record<string, number>;
  excluded_by_reason: Record<string, number>;
  failed_by_code: Record<string, number>;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The plan before sending: the audience with every exclusion by reason, limits and cost. */
export interface BroadcastEstimate {
  matched: number;
  excluded: number;
  no_consent: number;
  consent_withdrawn: number;
  unreachable: number;
  eligible: number;
  suppressed: number;
  sendable: number;
  frequency_capped: number;
  by_country: Record<string, number>;
  messaging_limit: { tier: string | null; limit: number | null; used_24h: number; available_now: number | null; spill: number };
  quiet_hours: { start: string; end: string } | null;
  cost: { currency: string; total: number; by_country: Record<string, { recipients: number; rate: number; cost: number }> };
}

/** What a test send did, per number, and the text it sent. */
export interface TestSendResult {
  text: string;
  results: TestSend[];
}

/** One test send and its final status (from WhatsApp's status webhooks): accepted is not yet delivered. */
export interface TestSend {
  id: string;
  to: string;
  wamid: string | null;
  status: 'rejected' | 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | string;
  error: string | null;
  error_code: number | null;
  sent_at: string;
  updated_at: string | null;
}

/** One recipient's state. `phone` is personal data: show it, never log it. */
export interface Recipient {
  contact_id: string;
  phone: string | null;
  state: string;
  status: string;
  reason: string | null;
  error_code: number | null;
  attempts: number;
  not_before: string;
  wamid: string | null;
  sent_at: string | null;
  replied_at: string | null;
  clicked_at: string | null;
  opted_out_at: string | null;
}

/** The recipient filters the API takes (`?state=`). */
export const RECIPIENT_FILTERS = ['queued', 'sending', 'uncertain', 'skipped', 'excluded', 'failed', 'cancelled', 'sent', 'delivered', 'read', 'replied', 'clicked', 'opted_out'] as const;
export type RecipientFilter = (typeof RECIPIENT_FILTERS)[number];

export type BroadcastAction = 'start' | 'pause' | 'resume' | 'cancel';

const at = (id: string) => `/broadcasts/${encodeURIComponent(id)}`;

/** Broadcasts, newest first. */
export const listBroadcasts = (cursor?: string, limit = 50) => apiRequest<Page<Broadcast>>('GET', `/broadcasts${query({ limit, cursor })}`);
/** One broadcast with live counts. */
export const getBroadcast = (id: string) => apiRequest<Broadcast>('GET', at(id));
/** Saves a new draft after the API checks its topic, template, variables and audience. */
export const createBroadcast = (input: BroadcastInput) => apiRequest<Broadcast>('POST', '/broadcasts', input);
/** Deletes a draft. */
export const deleteBroadcast = (id: string) => apiRequest<{ deleted: true }>('DELETE', at(id));
/** The plan now: every exclusion by reason, sendable count, messaging-limit spill and cost. */
export const estimateBroadcast = (id: string) => apiRequest<BroadcastEstimate>('POST', `${at(id)}/estimate`);
/** Sends the message to the team's own numbers (or the workspace's test numbers when `to` is absent). */
export const testBroadcast = (id: string, to?: string[]) => apiRequest<TestSendResult>('POST', `${at(id)}/test`, to ? { to } : {});
/** The latest test sends with their final status and error code. */
export const listTestSends = (id: string) => apiRequest<{ data: TestSend[] }>('GET', `${at(id)}/tests`);
/** Starts, pauses, resumes or cancels a broadcast. */
export const changeBroadcast = (id: string, action: BroadcastAction) => apiRequest<Broadcast>('POST', `${at(id)}/${action}`);
/** One page of recipients, optionally of one state. */
export const listRecipients = (id: string, state: RecipientFilter | '', cursor?: string, limit = 50) =>
  apiRequest<Page<Recipient>>('GET', `${at(id)}/recipients${query({ state, limit, cursor })}`);
