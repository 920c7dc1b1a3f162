// Shop connections and their webhook intake. A delivery is verified with the connection's secret,
// applied once (by the shop's delivery id) in one transaction: the person found or created by
// phone (never given consent), then their customer events through the engagement module, which
// also keeps them idempotent by key; lifecycle stages move at once, as for POST /api/v1/events.
import { and, eq } from 'drizzle-orm';
import { AppError, notFound } from '../../lib/errors.js';
import { parsePhone } from '../../lib/phone/index.js';
import type { SecretBox } from '../../lib/secrets.js';
import { SYSTEM_ACTOR, type Ctx, type Db, type Log } from '../context.js';
import { createContact, findContactByPhone, updateContact } from '../contacts/index.js';
import { attributeConversions, forgetConversionsOfEvents } from '../broadcasts/index.js';
import { contactOfEventKeys, eraseEventsByKeyPrefix, recordEvents } from '../engagement/index.js';
import { eraseContact } from '../privacy/index.js';
import { evaluateLifecycleFor } from '../lifecycle/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { recordAudit } from '../audit/index.js';
import { shopConnectionIn, type ShopConnectionOut } from './shops.schemas.js';
import { shopifyIntent, verifyShopSignature, wooIntent, type ShopIntent, type ShopPerson, type ShopPrivacyRequest } from './shops.rules.js';
import { shopConnections, shopDeliveries } from './shops.tables.js';

type Row = typeof shopConnections.$inferSelect;
const out = (r: Row, publicUrl: string): ShopConnectionOut => ({
  id: r.id,
  platform: r.platform as ShopConnectionOut['platform'],
  name: r.name,
  webhook_url: `${publicUrl.replace(/\/$/, '')}/webhooks/shops/${r.id}`,
  last_event_at: r.lastEventAt?.toISOString() ?? null,
  created_at: r.createdAt.toISOString(),
});

/** Connects a shop (the secret is sealed at once). */
export async function createShopConnection(ctx: Ctx, box: SecretBox, publicUrl: string, input: unknown): Promise<ShopConnectionOut> {
  const d = shopConnectionIn.parse(input);
  const [row] = await ctx.db.insert(shopConnections).values({ workspaceId: ctx.workspaceId, platform: d.platform, name: d.name, secretSealed: box.seal(d.secret) }).returning();
  await recordAudit(ctx, { action: 'shop.connected', targetType: 'shop_connection', targetId: row!.id, details: { platform: d.platform, name: d.name } });
  return out(row!, publicUrl);
}

/** The workspace's shop connections. */
export async function listShopConnections(ctx: Ctx, publicUrl: string): Promise<ShopConnectionOut[]> {
  const rows = await ctx.db.select().from(shopConnections).where(eq(shopConnections.workspaceId, ctx.workspaceId)).orderBy(shopConnections.createdAt);
  return rows.map((r) => out(r, publicUrl));
}

/** Disconnects a shop: its webhooks are refused from now on. */
export async function deleteShopConnection(ctx: Ctx, id: string): Promise<void> {
  const gone = await ctx.db.delete(shopConnections).where(and(eq(shopConnections.id, id), eq(shopConnections.workspaceId, ctx.workspaceId))).returning({ id: shopConnections.id });
  if (gone.length === 0) throw notFound('shop connection', id);
  await recordAudit(ctx, { action: 'shop.disconnected', targetType: 'shop_connection', targetId: id });
}

/** One shop webhook as received. */
export interface ShopDelivery {
  connectionId: string;
  raw: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

const header = (h: ShopDelivery['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const refused = () => new AppError('WEBHOOK_SIGNATURE_INVALID', 'the signature does not match this shop connection\'s secret (or the connection does not exist); check the secret stored in Greenlist');

/**
 * Verifies and applies one shop webhook. Returns what was done (`applied`, `duplicate`, `ignored:
 * <why>`). An unknown connection and a wrong signature are the same 401, so ids cannot be probed.
 */
export async function receiveShopWebhook(deps: { db: Db; box: SecretBox; log: Log; now: Date }, d: ShopDelivery): Promise<string> {
  const [conn] = /^[0-9a-f-]{36}$/i.test(d.connectionId) ? await deps.db.select().from(shopConnections).where(eq(shopConnections.id, d.connectionId)) : [];
  const shopify = conn?.platform === 'shopify';
  const signature = header(d.headers, shopify ? 'x-shopify-hmac-sha256' : 'x-wc-webhook-signature');
  // WooCommerce pings a new webhook with an unsigned form body `webhook_id=<n>`: answered, nothing done.
  if (conn && !shopify && !signature && /^webhook_id=\d+$/.test(d.raw.toString('utf8').trim())) return 'ignored: ping';
  if (!conn || !verifyShopSignature(d.raw, deps.box.open(conn.secretSealed), signature)) throw refused();
  const topic = header(d.headers, shopify ? 'x-shopify-topic' : 'x-wc-webhook-topic') ?? '';
  const deliveryId = header(d.headers, shopify ? 'x-shopify-webhook-id' : 'x-wc-webhook-delivery-id') ?? header(d.headers, 'x-shopify-event-id');
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(d.raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new AppError('VALIDATION_FAILED', 'the body is not JSON', { fields: [{ field: 'body', message: 'not JSON' }] });
  }
  const prefix = `shop:${conn.id}`;
  const intent = shopify ? shopifyIntent(topic, payload, prefix, deps.now) : wooIntent(topic, payload, prefix, deps.now);
  return deps.db.transaction(async (tx) => {
    if (deliveryId) {
      const fresh = await tx.insert(shopDeliveries).values({ connectionId: conn.id, deliveryId: deliveryId.slice(0, 200), topic: topic.slice(0, 100), outcome: 'applied' }).onConflictDoNothing().returning({ id: shopDeliveries.deliveryId });
      if (fresh.length === 0) return 'duplicate';
    }
    const ctx: Ctx = { db: tx, workspaceId: conn.workspaceId, actor: { ...SYSTEM_ACTOR, id: `shop:${conn.id}` }, now: deps.now, log: deps.log };
    const outcome = await applyIntent(ctx, intent, conn);
    await tx.update(shopConnections).set({ lastEventAt: deps.now }).where(eq(shopConnections.id, conn.id));
    if (deliveryId && outcome !== 'applied') await tx.update(shopDeliveries).set({ outcome }).where(and(eq(shopDeliveries.connectionId, conn.id), eq(shopDeliveries.deliveryId, deliveryId.slice(0, 200))));
    return outcome;
  });
}

async function applyIntent(ctx: Ctx, intent: ShopIntent, conn: Row): Promise<string> {
  if (intent.ignored) return `ignored: ${intent.ignored}`;
  if (intent.privacy) return applyPrivacyRequest(ctx, intent.person, intent.privacy, conn);
  let contactId = intent.person?.phone ? await contactFor(ctx, intent.person) : undefined;
  // A refund carries no customer: it belongs to whoever the order's events were recorded for.
  if (!contactId && intent.events.some((e) => e.orderKeys)) contactId = await contactOfEventKeys(ctx.db, ctx.workspaceId, intent.events.flatMap((e) => e.orderKeys ?? []));
  if (!contactId) return intent.person?.phone === null || !intent.person ? 'ignored: no phone number' : 'ignored: the phone number is not valid';
  if (intent.events.length === 0) return 'applied';
  const recorded = await recordEvents(ctx, {
    events: intent.events.map((e) => ({
      contact_id: contactId,
      type: e.type,
      properties: Object.fromEntries(Object.entries(e.properties).filter(([, v]) => v !== null && v !== undefined)),
      ...(e.amount !== undefined ? { amount: e.amount } : {}),
      ...(e.currency ? { currency: e.currency } : {}),
      ...(e.products && e.products.length > 0 ? { products: e.products } : {}),
      occurred_at: new Date(Math.min(Date.parse(e.occurredAt), ctx.now.getTime())).toISOString(),
      idempotency_key: e.key,
    })),
  });
  // A purchase after a broadcast is credited to it in this transaction (docs/design.md §24c).
  await attributeConversions(ctx.db, ctx.workspaceId, recorded.ids, ctx.now);
  await evaluateLifecycleFor(ctx.db, ctx.workspaceId, [contactId], ctx.now);
  return 'applied';
}

/**
 * Applies one of Shopify's compliance requests. A customer redaction erases the person here too
 * (through the privacy module, so their suppression survives and nothing can bring them back); a
 * data request is recorded in the audit log for the owner, who exports the contact's data from its
 * page; a shop redaction erases every event this shop sent and the connection itself. The person is
 * found by phone or by the orders named, never created.
 */
async function applyPrivacyRequest(ctx: Ctx, person: ShopPerson | null, req: ShopPrivacyRequest, conn: Row): Promise<string> {
  if (req.kind === 'redact_shop') {
    const events = await eraseEventsByKeyPrefix(ctx.db, ctx.workspaceId, `shop:${conn.id}:`);
    await forgetConversionsOfEvents(ctx.db, ctx.workspaceId, events);
    await ctx.db.delete(shopConnections).where(eq(shopConnections.id, conn.id));
    await recordAudit(ctx, { action: 'shop.redacted', targetType: 'shop_connection', targetId: conn.id, details: { name: conn.name, events: events.length } });
    return 'applied';
  }
  const contactId = (person?.phone ? await existingContactFor(ctx, person) : undefined) ?? (await contactOfEventKeys(ctx.db, ctx.workspaceId, req.orderKeys));
  if (!contactId) return 'ignored: no contact matches this customer';
  if (req.kind === 'redact_customer') {
    await eraseContact(ctx, contactId);
    return 'applied';
  }
  await recordAudit(ctx, { action: 'shop.data_requested', targetType: 'contact', targetId: contactId, details: { shop: conn.name, ...(req.requestId ? { request_id: req.requestId } : {}) } });
  return 'applied';
}

/** The person's number in E.164 (their country, else the workspace's default); undefined when not valid. */
async function e164Of(ctx: Ctx, person: ShopPerson): Promise<string | undefined> {
  const fallback = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)).default_country ?? undefined;
  try {
    return parsePhone(person.phone!, person.country?.toUpperCase() ?? fallback, 'phone').e164;
  } catch {
    return undefined;
  }
}

/** The person's contact when one exists with this number; never creates one. */
async function existingContactFor(ctx: Ctx, person: ShopPerson): Promise<string | undefined> {
  const e164 = await e164Of(ctx, person);
  return e164 ? (await findContactByPhone(ctx, e164))?.id : undefined;
}

/** The person's contact, created (without consent) when the number is new; undefined when the number is not valid. */
async function contactFor(ctx: Ctx, person: ShopPerson): Promise<string | undefined> {
  const e164 = await e164Of(ctx, person);
  if (!e164) return undefined;
  const found = await findContactByPhone(ctx, e164);
  if (found) {
    if (!found.name && person.name) await updateContact(ctx, found.id, { name: person.name.slice(0, 200) });
    return found.id;
  }
  const created = await createContact(ctx, { phone: e164, ...(person.name ? { name: person.name.slice(0, 200) } : {}) });
  return created.id;
}
