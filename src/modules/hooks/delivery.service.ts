// The delivery loop: claims due deliveries (FOR UPDATE SKIP LOCKED plus a lease, so any number of
// workers share them), POSTs each signed body through the outbound guard, and records every
// attempt, the retry schedule, dead deliveries and endpoints disabled after 24 h of failures.
import { param, sql } from 'drizzle-orm';
import { OutboundError } from '../../lib/outbound/index.js';
import type { SecretBox } from '../../lib/secrets.js';
import { safeErrorMessage } from '../../lib/redact.js';
import { recordAudit } from '../audit/index.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { queryRowsOf } from '../sql.js';
import { DISABLE_AFTER_MS, RETRY_WINDOW_MS, nextAttemptDelayMs, responseSnippet, signWebhook } from './hooks.rules.js';

/** How a delivery reaches its endpoint: the guarded fetch (src/lib/outbound), injected by the entrypoint. */
export type WebhookSend = (url: string, req: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<Response>;

/** What the loop needs. `now` is the loop's clock (tests pass a controlled one); `random` the jitter's source. */
export interface DeliveryDeps {
  db: Db;
  box: SecretBox;
  send: WebhookSend;
  log: Log;
  now: Date;
  random?: () => number;
  /** Deliveries claimed per pass (sent concurrently). */
  batch?: number;
  /** How long a claim holds before another worker may take the delivery again (a crashed sender). */
  leaseMs?: number;
  /** How long one POST may take. */
  timeoutMs?: number;
}

/** A claimed delivery with what sending it needs. */
interface Claimed {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  created_at: string;
  type: string;
  payload: Record<string, unknown>;
  event_at: string;
  url: string;
  secret_sealed: string;
}

/** One attempt's outcome. */
interface Outcome {
  d: Claimed;
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  latencyMs: number;
  snippet: string | null;
  body: string;
  /** Refused by the outbound policy before anything was sent: retrying cannot help until the URL or the operator's list changes. */
  refused?: boolean;
}

/** The JSON body of an event (the envelope receivers parse): id, type, timestamp, workspace, data. */
export function webhookBody(e: { id: string; type: string; workspaceId: string; createdAt: Date; data: Record<string, unknown> }): string {
  return JSON.stringify({ id: e.id, type: e.type, timestamp: e.createdAt.toISOString(), workspace_id: e.workspaceId, data: e.data });
}

/** Claims due deliveries of enabled endpoints; `onlyId` claims that one delivery whenever it is due or not (a test send). */
export async function claimDeliveries(db: Db, now: Date, limit: number, leaseMs: number, onlyId?: string): Promise<Claimed[]> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const which = onlyId
    ? sql`d.id = ${onlyId}::uuid and d.status = 'pending'`
    : sql`d.status = 'pending' and d.next_attempt_at <= ${at} and (d.lease_until is null or d.lease_until <= ${at})`;
  return queryRowsOf<Claimed>(
    db,
    sql`with c as (
          select d.id from hook_deliveries d join hook_endpoints p on p.id = d.endpoint_id and p.enabled
          where ${which} order by d.next_attempt_at limit ${limit} for update of d skip locked
        ),
        u as (
          update hook_deliveries d set lease_until = ${at} + ${`${leaseMs} milliseconds`}::interval from c where d.id = c.id
          returning d.id, d.workspace_id, d.endpoint_id, d.event_id, d.attempts, d.created_at
        )
        select u.id, u.workspace_id, u.endpoint_id, u.event_id, u.attempts, u.created_at::text as created_at, e.type, e.payload, e.created_at::text as event_at, p.url, p.secret_sealed
        from u join hook_events e on e.id = u.event_id join hook_endpoints p on p.id = u.endpoint_id`,
  );
}

/** POSTs one claimed delivery, signed; never throws (a failure is an outcome). */
async function attempt(deps: DeliveryDeps, d: Claimed): Promise<Outcome> {
  const secret = deps.box.open(d.secret_sealed);
  const body = webhookBody({ id: d.event_id, type: d.type, workspaceId: d.workspace_id, createdAt: new Date(d.event_at), data: d.payload });
  const ts = Math.floor(deps.now.getTime() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Greenlist-Webhooks/1',
    'webhook-id': d.event_id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signWebhook(secret, d.event_id, ts, body),
  };
  const started = performance.now();
  try {
    const res = await deps.send(d.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000) });
    const text = await res.text().catch(() => '');
    const ok = res.status >= 200 && res.status < 300;
    return { d, ok, statusCode: res.status, error: ok ? null : `answered ${res.status}`, latencyMs: Math.round(performance.now() - started), snippet: responseSnippet(text, secret), body };
  } catch (err) {
    const refused = err instanceof OutboundError && err.reason === 'refused';
    return { d, ok: false, statusCode: null, error: safeErrorMessage(err).slice(0, 300), latencyMs: Math.round(performance.now() - started), snippet: null, body, refused };
  }
}

/**
 * One pass of the loop: claims up to `batch` due deliveries, sends them concurrently and records
 * the outcomes. Returns how many were attempted (the poller goes round again at once while > 0).
 */
export async function deliverDueWebhooks(deps: DeliveryDeps, onlyId?: string): Promise<number> {
  const claimed = await claimDeliveries(deps.db, deps.now, deps.batch ?? 100, deps.leaseMs ?? 60_000, onlyId);
  if (claimed.length === 0) return 0;
  const outcomes = await Promise.all(claimed.map((d) => attempt(deps, d)));
  await deps.db.transaction(async (tx) => recordOutcomes({ ...deps, db: tx }, outcomes));
  return claimed.length;
}

/** Writes a batch's attempts, delivery states and endpoint failure runs, and disables endpoints failing for 24 h. */
async function recordOutcomes(deps: DeliveryDeps, outcomes: Outcome[]): Promise<void> {
  const now = deps.now;
  const random = deps.random ?? Math.random;
  const plan = outcomes.map((o) => {
    const attempts = o.d.attempts + 1;
    const next = new Date(now.getTime() + nextAttemptDelayMs(attempts, random));
    // Why the window counts from the delivery's creation: a replay gets its own 3 days.
    const dead = !o.ok && next.getTime() - new Date(o.d.created_at).getTime() > RETRY_WINDOW_MS;
    const status = o.ok ? 'delivered' : o.refused ? 'failed' : dead ? 'dead' : 'pending';
    return { ...o, attempts, status, next: status === 'pending' ? next : null };
  });
  const col = <T>(f: (p: (typeof plan)[number]) => T) => param(plan.map(f));
  const at = sql`${now.toISOString()}::timestamptz`;
  await deps.db.execute(sql`
    update hook_deliveries d set status = x.status, attempts = x.attempts, next_attempt_at = coalesce(x.next, d.next_attempt_at), lease_until = null,
      last_status_code = x.code, last_error = x.error, latency_ms = x.latency, response_snippet = x.snippet, body = x.body, last_attempt_at = ${at},
      delivered_at = case when x.status = 'delivered' then ${at} else d.delivered_at end
    from unnest(${col((p) => p.d.id)}::uuid[], ${col((p) => p.status)}::text[], ${col((p) => p.attempts)}::int[], ${col((p) => p.next?.toISOString() ?? null)}::timestamptz[],
                ${col((p) => p.statusCode)}::int[], ${col((p) => p.error)}::text[], ${col((p) => p.latencyMs)}::int[], ${col((p) => p.snippet)}::text[], ${col((p) => p.body)}::text[])
      as x(id, status, attempts, next, code, error, latency, snippet, body)
    where d.id = x.id`);
  await deps.db.execute(sql`
    insert into hook_attempts (workspace_id, delivery_id, attempt, status_code, error, latency_ms, attempted_at)
    select x.ws, x.id, x.attempt, x.code, x.error, x.latency, ${at}
    from unnest(${col((p) => p.d.workspace_id)}::uuid[], ${col((p) => p.d.id)}::uuid[], ${col((p) => p.attempts)}::int[], ${col((p) => p.statusCode)}::int[], ${col((p) => p.error)}::text[], ${col((p) => p.latencyMs)}::int[])
      as x(ws, id, attempt, code, error, latency)`);
  await noteEndpointHealth(deps, plan.filter((p) => p.ok).map((p) => p.d.endpoint_id), plan.filter((p) => !p.ok).map((p) => p.d.endpoint_id));
}

/**
 * Any 2xx ends an endpoint's failure run; a failure starts one (or continues it). An endpoint whose
 * run has lasted 24 h is disabled, with an audit row: its pending deliveries wait (nothing is lost)
 * and go out again when a user re-enables it, within each delivery's 3-day window.
 */
async function noteEndpointHealth(deps: DeliveryDeps, succeeded: string[], failed: string[]): Promise<void> {
  const at = sql`${deps.now.toISOString()}::timestamptz`;
  const ok = [...new Set(succeeded)];
  const bad = [...new Set(failed)].filter((id) => !ok.includes(id));
  if (ok.length > 0) await deps.db.execute(sql`update hook_endpoints set failing_since = null where id = any(${param(ok)}::uuid[]) and failing_since is not null`);
  if (bad.length === 0) return;
  await deps.db.execute(sql`update hook_endpoints set failing_since = ${at} where id = any(${param(bad)}::uuid[]) and failing_since is null`);
  const since = new Date(deps.now.getTime() - DISABLE_AFTER_MS).toISOString();
  const disabled = await queryRowsOf<{ id: string; workspace_id: string; url: string; failing_since: string }>(
    deps.db,
    sql`update hook_endpoints p set enabled = false, updated_at = ${at},
          disabled_reason = 'every delivery failed for 24 hours (since ' || to_char(p.failing_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '); fix the receiver, then re-enable the endpoint'
        where p.id = any(${param(bad)}::uuid[]) and p.enabled and p.failing_since <= ${since}::timestamptz
        returning p.id, p.workspace_id, p.url, p.failing_since::text as failing_since`,
  );
  for (const e of disabled) {
    await recordAudit(
      { db: deps.db, workspaceId: e.workspace_id, actor: SYSTEM_ACTOR, now: deps.now, log: deps.log },
      { action: 'webhook_endpoint.disabled', targetType: 'webhook_endpoint', targetId: e.id, details: { url: e.url, failing_since: e.failing_since, reason: 'failing for 24 hours' } },
    );
    deps.log.warn({ endpoint: e.id, workspace: e.workspace_id }, 'webhook endpoint disabled after 24 h of failures');
  }
}
