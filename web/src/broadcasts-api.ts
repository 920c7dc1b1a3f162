// Broadcasts through the public API (/api/v1/broadcasts).
import { gl, unwrap, type Page } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';
import type { VariableSource } from './templates-api';

/** Broadcast lifecycle, as the API names it. */
export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'paused' | 'completed' | 'cancelled';

/** When a broadcast goes out: now, at one instant, at a wall-clock time in each recipient's zone, or on a date at the best send time's hour. */
export type Schedule =
  | { type: 'now' }
  | { type: 'at'; at: string }
  | { type: 'local'; date: string; time: string; fallback_timezone?: string; send_late?: boolean }
  | { type: 'best_hour'; date: string; fallback_time?: string; fallback_timezone?: string; send_late?: boolean };

/** How a best-hour broadcast's hour was chosen when it started (`plan.best_hour`). */
export interface BestHourChoice {
  time: string;
  weekday: number;
  source: 'segment' | 'workspace' | 'fallback';
  read_rate: number | null;
  sent: number;
}

/** One part of an audience: a saved segment or rules. */
export type AudiencePart = { segment_id: string } | { rules: Record<string, unknown> };

/** A new broadcast (saved as a draft). */
export interface BroadcastInput {
  name: string;
  /** The business number that sends (default: the only connected one). */
  number_id?: string;
  audience: { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true; topic: string; exclude?: AudiencePart[] };
  template: { name: string; language: string; variables?: Record<string, VariableSource> };
  links?: string[];
  schedule?: Schedule;
  /** An A/B test (null removes one from a draft). */
  ab_test?: AbTestInput | null;
}

/** One A/B variant: another template, other variable values, or both (default: the broadcast's). */
export interface AbVariantInput {
  template?: { name: string; language: string };
  variables?: Record<string, VariableSource>;
}

/** The A/B test of a broadcast, as the composer sends it. */
export interface AbTestInput {
  variants: AbVariantInput[];
  test_percent: number;
  holdout_percent?: number;
  metric: 'read' | 'reply' | 'click' | 'conversion';
  window_hours: number;
  send_winner?: 'auto' | 'confirm';
}

type BroadcastOut = ResponseOf<'/api/v1/broadcasts/{id}', 'get'>;
/**
 * A broadcast as the API shows it. The API's schema leaves status, audience, template variables
 * and schedule open (a string, objects); the UI narrows those four to the shapes the API writes.
 */
export type Broadcast = Omit<BroadcastOut, 'status' | 'audience' | 'template' | 'schedule'> & {
  status: BroadcastStatus;
  audience: { segment_id?: string; rules?: Record<string, unknown>; all_contacts?: true; exclude?: AudiencePart[] };
  template: Omit<BroadcastOut['template'], 'variables'> & { variables: Record<string, VariableSource> };
  schedule: Schedule;
};
/** Live per-state counts of a broadcast's recipients (`excluded`: matched by the audience but left out at start, not part of planned). */
export type BroadcastCounts = Broadcast['counts'];
/** The plan before sending: the audience with every exclusion by reason, limits and cost. */
export type BroadcastEstimate = ResponseOf<'/api/v1/broadcasts/{id}/estimate', 'post'>;
/** What a test send did, per number, and the text it sent. */
export type TestSendResult = ResponseOf<'/api/v1/broadcasts/{id}/test', 'post'>;
/** One test send and its final status (from WhatsApp's status webhooks): accepted is not yet delivered. */
export type TestSend = TestSendResult['results'][number];
/** One recipient's state. `phone` is personal data: show it, never log it. */
export type Recipient = ItemOf<ResponseOf<'/api/v1/broadcasts/{id}/recipients', 'get'>>;

/** The recipient filters the API takes (`?state=`). */
export const RECIPIENT_FILTERS = ['queued', 'sending', 'uncertain', 'skipped', 'excluded', 'failed', 'cancelled', 'sent', 'delivered', 'read', 'replied', 'clicked', 'opted_out'] as const;
export type RecipientFilter = (typeof RECIPIENT_FILTERS)[number];

export type BroadcastAction = 'start' | 'pause' | 'resume' | 'cancel';

// The API's schema leaves a broadcast's status, audience, variables and schedule open; these narrow
// its answers to the shapes the API writes (see Broadcast above): a cast of the type, not of the path.
const asBroadcast = (b: BroadcastOut) => b as Broadcast;
const path = (id: string) => ({ params: { path: { id } } });

/** Broadcasts, newest first. */
export const listBroadcasts = (cursor?: string, limit = 50) => unwrap(gl.GET('/api/v1/broadcasts', { params: { query: { limit, cursor } } })).then((page) => page as Page<Broadcast>);
/** One broadcast with live counts. */
export const getBroadcast = (id: string) => unwrap(gl.GET('/api/v1/broadcasts/{id}', path(id))).then(asBroadcast);
/** Saves a new draft after the API checks its topic, template, variables and audience. */
export const createBroadcast = (input: BroadcastInput) => unwrap(gl.POST('/api/v1/broadcasts', { body: input })).then(asBroadcast);
/** Changes a draft (the API checks it like a new one; 409 BROADCAST_STATE_INVALID once it started). */
export const updateBroadcast = (id: string, patch: Partial<BroadcastInput>) => unwrap(gl.PATCH('/api/v1/broadcasts/{id}', { ...path(id), body: patch })).then(asBroadcast);
/** Deletes a draft. */
export const deleteBroadcast = (id: string) => unwrap(gl.DELETE('/api/v1/broadcasts/{id}', path(id)));
/** The plan now: every exclusion by reason, sendable count, messaging-limit spill and cost. */
export const estimateBroadcast = (id: string) => unwrap(gl.POST('/api/v1/broadcasts/{id}/estimate', path(id)));
/** Sends the message to the team's own numbers (or the workspace's test numbers when `to` is absent). */
export const testBroadcast = (id: string, to?: string[]) => unwrap(gl.POST('/api/v1/broadcasts/{id}/test', { ...path(id), body: to ? { to } : {} }));
/** The latest test sends with their final status and error code. */
export const listTestSends = (id: string) => unwrap(gl.GET('/api/v1/broadcasts/{id}/tests', path(id)));
/** Starts, pauses, resumes or cancels a broadcast. */
export const changeBroadcast = (id: string, action: BroadcastAction) => unwrap(gl.POST(`/api/v1/broadcasts/{id}/${action}`, path(id))).then(asBroadcast);
/** One page of recipients, optionally of one state. */
export const listRecipients = (id: string, state: RecipientFilter | '', cursor?: string, limit = 50) =>
  unwrap(gl.GET('/api/v1/broadcasts/{id}/recipients', { params: { path: { id }, query: { state: state || undefined, limit, cursor } } }));
/** The answer of "Resend to failed": how many were queued again, and why the others were not. */
export type ResendResult = ResponseOf<'/api/v1/broadcasts/{id}/resend-failed', 'post'>;
/** A variant's name (A to D), as the winner is picked by. */
export type AbVariantName = NonNullable<BodyOf<'/api/v1/broadcasts/{id}/ab/pick-winner', 'post'>['variant']>;
/** An A/B test with its per-variant results. */
export type AbTest = NonNullable<BroadcastOut['ab_test']>;
/** Sends the A/B winner (the leader, or `variant`) to the rest of the audience. */
export const pickAbWinner = (id: string, variant?: AbVariantName) => unwrap(gl.POST('/api/v1/broadcasts/{id}/ab/pick-winner', { ...path(id), body: variant ? { variant } : {} }));
/** Queues the failed recipients with a transient error once more (never twice; 131049 after its wait). */
export const resendFailed = (id: string) => unwrap(gl.POST('/api/v1/broadcasts/{id}/resend-failed', path(id)));
