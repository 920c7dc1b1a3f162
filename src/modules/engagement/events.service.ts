import { param, sql } from 'drizzle-orm';
import { AppError, isAppError } from '../../lib/errors.js';
import { parsePhone } from '../../lib/phone/index.js';
import type { Ctx, Db } from '../context.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { queryRowsOf } from '../sql.js';
import { recordEventsIn, type EventIn, type RecordEventsOut } from './events.schemas.js';

/** Events of this type are purchases: they feed purchase counts, totals and anniversaries. */
export const PURCHASE_EVENT = 'purchase';
/** The customer event that takes back (part of) a purchase; it names the order in `properties.order_id`. */
export const REFUND_EVENT = 'refund';

// A little clock skew between a shop and us is normal; "occurred" an hour from now is not.
const FUTURE_TOLERANCE_MS = 5 * 60_000;

type Prepared = { index: number; contactId: string; type: string; properties: Record<string, unknown>; products: string[]; amount: number | null; currency: string | null; occurredAt: Date; key: string | null };

/** Products from the top-level list or `properties.products` (strings, or objects with id/sku/name). */
function productsOf(e: EventIn): string[] {
  const raw = e.products ?? (Array.isArray(e.properties?.products) ? (e.properties.products as unknown[]) : []);
  const out = raw.flatMap((p) => {
    if (typeof p === 'string' || typeof p === 'number') return [String(p)];
    if (p && typeof p === 'object') {
      const o = p as Record<string, unknown>;
      const id = o.id ?? o.sku ?? o.name;
      return typeof id === 'string' || typeof id === 'number' ? [String(id)] : [];
    }
    return [];
  });
  return [...new Set(out)].slice(0, 500);
}

function amountOf(e: EventIn): number | null {
  if (e.amount !== undefined) return e.amount;
  const a = e.properties?.amount;
  return typeof a === 'number' && Number.isFinite(a) ? a : null;
}

/**
 * Records customer events (one or a batch of up to 1,000). Contacts are found by id or phone;
 * an event whose `idempotency_key` was seen before is a duplicate and changes nothing. The
 * engagement row (last event, purchases) moves in the same statement. Returns the contacts
 * touched so the caller can re-evaluate their lifecycle stage in the same transaction.
 */
export async function recordEvents(ctx: Ctx, input: unknown): Promise<RecordEventsOut & { contactIds: string[] }> {
  const parsed = recordEventsIn.parse(input);
  const single = !('events' in parsed);
  const list = 'events' in parsed ? parsed.events : [parsed];
  const errors: RecordEventsOut['errors'] = [];
  const fail = (index: number, err: AppError): void => {
    if (single) throw err;
    errors.push({ index, code: err.code, message: err.message });
  };
  const country = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)).default_country ?? undefined;
  const phones = new Map<number, string>();
  list.forEach((e, i) => {
    if (!e.phone) return;
    try {
      phones.set(i, parsePhone(e.phone, country, single ? 'phone' : `events[${i}].phone`).e164);
    } catch (err) {
      if (isAppError(err)) fail(i, err);
      else throw err;
    }
  });
  const ids = list.flatMap((e) => (e.contact_id ? [e.contact_id] : []));
  const found = await queryRowsOf<{ id: string; phone: string }>(
    ctx.db,
    sql`select id, phone from contacts where workspace_id = ${ctx.workspaceId} and (id = any(${param(ids)}::uuid[]) or phone = any(${param([...phones.values()])}::text[]))`,
  );
  const byId = new Set(found.map((r) => r.id));
  const byPhone = new Map(found.map((r) => [r.phone, r.id]));
  const limit = ctx.now.getTime() + FUTURE_TOLERANCE_MS;
  const rows: Prepared[] = [];
  list.forEach((e, index) => {
    if (e.phone && !phones.has(index)) return;
    const contactId = e.contact_id ? (byId.has(e.contact_id) ? e.contact_id : undefined) : byPhone.get(phones.get(index)!);
    if (!contactId) return fail(index, new AppError('EVENT_CONTACT_NOT_FOUND', `${single ? '' : `events[${index}]: `}no contact with this ${e.contact_id ? 'id' : 'phone'} in the workspace`, { index }));
    const occurredAt = e.occurred_at ? new Date(e.occurred_at) : ctx.now;
    if (occurredAt.getTime() > limit) {
      return fail(index, new AppError('VALIDATION_FAILED', `${single ? '' : `events[${index}].`}occurred_at is in the future; send events when they have happened`, { fields: [{ field: single ? 'occurred_at' : `events[${index}].occurred_at`, message: 'in the future' }] }));
    }
    rows.push({ index, contactId, type: e.type, properties: e.properties ?? {}, products: productsOf(e), amount: amountOf(e), currency: e.currency ?? (typeof e.properties?.currency === 'string' ? e.properties.currency.slice(0, 3).toUpperCase() : null), occurredAt, key: e.idempotency_key ?? null });
  });
  const inserted = rows.length === 0 ? [] : await insertEvents(ctx, rows);
  return {
    recorded: inserted.length,
    duplicates: rows.length - inserted.length,
    errors,
    ids: inserted.map((r) => Number(r.id)),
    contactIds: [...new Set(inserted.map((r) => r.contact_id))],
  };
}

/** One statement: insert the events (duplicates by key skipped) and fold the new ones into engagement. */
async function insertEvents(ctx: Ctx, rows: Prepared[]): Promise<{ id: string; contact_id: string }[]> {
  return queryRowsOf<{ id: string; contact_id: string }>(
    ctx.db,
    sql`
    with src as (
      select * from unnest(${param(rows.map((r) => r.contactId))}::uuid[], ${param(rows.map((r) => r.type))}::text[], ${param(rows.map((r) => JSON.stringify(r.properties)))}::text[],
        ${param(rows.map((r) => JSON.stringify(r.products)))}::text[], ${param(rows.map((r) => r.amount))}::numeric[], ${param(rows.map((r) => r.currency))}::text[],
        ${param(rows.map((r) => r.occurredAt.toISOString()))}::timestamptz[], ${param(rows.map((r) => r.key))}::text[])
        as t(contact_id, type, properties, products, amount, currency, occurred_at, idempotency_key)
    ),
    ins as (
      insert into contact_events (workspace_id, contact_id, type, properties, products, amount, currency, occurred_at, received_at, idempotency_key)
      select ${ctx.workspaceId}::uuid, contact_id, type, properties::jsonb, array(select jsonb_array_elements_text(products::jsonb)), amount, currency, occurred_at, ${ctx.now.toISOString()}::timestamptz, idempotency_key
      from src
      on conflict (workspace_id, idempotency_key) do nothing
      returning id, contact_id, type, amount, occurred_at
    ),
    agg as (
      select contact_id, max(occurred_at) as last_event_at,
        min(occurred_at) filter (where type = ${PURCHASE_EVENT}) as first_purchase_at,
        max(occurred_at) filter (where type = ${PURCHASE_EVENT}) as last_purchase_at,
        count(*) filter (where type = ${PURCHASE_EVENT})::int as purchases,
        coalesce(sum(amount) filter (where type = ${PURCHASE_EVENT}), 0) as total
      from ins group by contact_id
    ),
    eng as (
      -- Every event a business reports is something the person did, so it counts as engagement.
      insert into contact_engagement as ce (contact_id, workspace_id, last_event_at, first_purchase_at, last_purchase_at, last_engaged_at, purchases_count, purchases_total, updated_at)
      select contact_id, ${ctx.workspaceId}::uuid, last_event_at, first_purchase_at, last_purchase_at, last_event_at, purchases, total, ${ctx.now.toISOString()}::timestamptz from agg
      on conflict (contact_id) do update set
        last_event_at = greatest(ce.last_event_at, excluded.last_event_at),
        first_purchase_at = least(ce.first_purchase_at, excluded.first_purchase_at),
        last_purchase_at = greatest(ce.last_purchase_at, excluded.last_purchase_at),
        last_engaged_at = greatest(ce.last_engaged_at, excluded.last_engaged_at),
        purchases_count = ce.purchases_count + excluded.purchases_count,
        purchases_total = ce.purchases_total + excluded.purchases_total,
        updated_at = excluded.updated_at
    )
    select id::text as id, contact_id from ins`,
  );
}

/** The contact a customer event with one of these idempotency keys was recorded for (the first key found), if any. */
export async function contactOfEventKeys(db: Db, workspaceId: string, keys: string[]): Promise<string | undefined> {
  if (keys.length === 0) return undefined;
  const rows = await queryRowsOf<{ contact_id: string; key: string }>(
    db,
    sql`select contact_id, idempotency_key as key from contact_events where workspace_id = ${workspaceId} and idempotency_key = any(${param(keys)}::text[])`,
  );
  return keys.map((k) => rows.find((r) => r.key === k)?.contact_id).find((id) => id !== undefined);
}
