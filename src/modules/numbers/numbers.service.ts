import { and, asc, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import { AppError } from '../../lib/errors.js';
import { mapPage, type Page } from '../../lib/pagination.js';
import { apiBaseUrlProblem } from '../../lib/outbound/index.js';
import { safeEqual, type SecretBox } from '../../lib/secrets.js';
import { recordAudit } from '../audit/index.js';
import type { Ctx, Db } from '../context.js';
import { idsInWorkspaces, queryRowsOf, workspaceRowById, workspaceRowsByKey } from '../sql.js';
import type { NumberCredentials, WhatsAppGateway } from '../messaging/index.js';
import { normaliseLimitTier, QUALITY_RATINGS, throughputOfLevel, type MessagingLimitTier, type QualityRating } from './numbers.rules.js';
import { connectNumberIn, updateNumberIn, type NumberOut } from './numbers.schemas.js';
import { phoneNumberHealthEvents, phoneNumbers } from './numbers.tables.js';

type NumberRow = typeof phoneNumbers.$inferSelect;

function toNumberOut(r: NumberRow): NumberOut {
  return {
    id: r.id,
    phone_number_id: r.phoneNumberId,
    waba_id: r.wabaId,
    display_number: r.displayNumber,
    verified_name: r.verifiedName,
    throughput_mps: r.throughputMps,
    messaging_limit_tier: r.messagingLimitTier as MessagingLimitTier,
    quality_rating: r.qualityRating as QualityRating,
    is_sandbox: r.isSandbox,
    api_base_url: r.apiBaseUrl,
    api_version: r.apiVersion,
    health_checked_at: r.healthCheckedAt?.toISOString() ?? null,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}

/**
 * Refuses a WABA id that another workspace holds unless `appSecret` is the app secret it is held
 * with there: that proves the same Meta app (Meta signs a WABA's webhooks with its app's secret),
 * so the WABA keeps identifying one owner and nobody can claim another's id to disturb its
 * webhooks. Serialised per WABA id so two workspaces cannot race past the check.
 */
async function assertWabaFree(ctx: Ctx, box: SecretBox, wabaId: string, appSecret: string): Promise<void> {
  await ctx.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`greenlist:waba:${wabaId}`}))`);
  const held = await ctx.db
    .select({ app: phoneNumbers.appSecretSealed })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.wabaId, wabaId), ne(phoneNumbers.workspaceId, ctx.workspaceId)));
  if (held.some((h) => !safeEqual(box.open(h.app), appSecret))) {
    throw new AppError(
      'WABA_ID_TAKEN',
      'waba_id: this WhatsApp Business Account is connected in another workspace with a different app secret; check the id in WhatsApp Manager, or connect it with the app secret of the Meta app it is subscribed to',
      { field: 'waba_id' },
    );
  }
}

/** Why a URL may not be a number's api_base_url (the operator's allow-list, wired by the entrypoint). */
export type ApiBaseUrlCheck = (url: string) => string | undefined;

// Without an operator allow-list, only Meta's Graph host: the stored token goes wherever this points.
const graphOnly: ApiBaseUrlCheck = (url) => apiBaseUrlProblem(url, []);

function refuseApiBaseUrl(url: string, check: ApiBaseUrlCheck): void {
  const problem = check(url);
  if (problem) throw new AppError('VALIDATION_FAILED', `api_base_url ${problem}`, { fields: [{ field: 'api_base_url', message: problem }] });
}

/** Connects a business number; its token, app secret and verify token are stored sealed. */
export async function connectNumber(ctx: Ctx, box: SecretBox, input: unknown, opts: { isSandbox?: boolean; checkApiBaseUrl?: ApiBaseUrlCheck } = {}): Promise<NumberOut> {
  const d = connectNumberIn.parse(input);
  // The sandbox number's address comes from the process's configuration, not from a request.
  if (!opts.isSandbox) refuseApiBaseUrl(d.api_base_url, opts.checkApiBaseUrl ?? graphOnly);
  await assertWabaFree(ctx, box, d.waba_id, d.app_secret);
  const [row] = await ctx.db
    .insert(phoneNumbers)
    .values({
      workspaceId: ctx.workspaceId,
      phoneNumberId: d.phone_number_id,
      wabaId: d.waba_id,
      displayNumber: d.display_number,
      accessTokenSealed: box.seal(d.access_token),
      appSecretSealed: box.seal(d.app_secret),
      verifyTokenSealed: box.seal(d.verify_token),
      apiBaseUrl: d.api_base_url,
      apiVersion: d.api_version,
      throughputMps: d.throughput_mps,
      messagingLimitTier: d.messaging_limit_tier,
      isSandbox: opts.isSandbox ?? false,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .onConflictDoNothing({ target: phoneNumbers.phoneNumberId })
    .returning();
  // Phone-number ids are global at Meta; a clash is reported without saying which workspace has it.
  if (!row) throw new AppError('PHONE_NUMBER_TAKEN', 'phone_number_id: this phone number id is already connected (in this or another workspace); disconnect it there first', { field: 'phone_number_id' });
  await recordHealth(ctx.db, row, 'connected', ctx.now);
  await recordAudit(ctx, { action: 'phone_number.connected', targetType: 'phone_number', targetId: row.id, details: { display_number: d.display_number } });
  return toNumberOut(row);
}

/** Lists the workspace's numbers. */
export async function listNumbers(ctx: Ctx, q: { limit: number; cursor?: string }): Promise<Page<NumberOut>> {
  const page = await workspaceRowsByKey(ctx.db, phoneNumbers, { workspaceId: ctx.workspaceId, key: 'id', kind: 'uuid', order: 'asc', limit: q.limit, cursor: q.cursor });
  return mapPage(page, toNumberOut);
}

async function loadNumber(ctx: Ctx, id: string): Promise<NumberRow> {
  return workspaceRowById(ctx, phoneNumbers, id, 'phone number');
}

/** One number of the workspace. */
export async function getNumber(ctx: Ctx, id: string): Promise<NumberOut> {
  return toNumberOut(await loadNumber(ctx, id));
}

/** Rotates secrets or corrects settings. */
export async function updateNumber(ctx: Ctx, box: SecretBox, id: string, input: unknown, checkApiBaseUrl: ApiBaseUrlCheck = graphOnly): Promise<NumberOut> {
  const d = updateNumberIn.parse(input);
  const current = await loadNumber(ctx, id);
  const urlChange = d.api_base_url !== undefined && d.api_base_url !== current.apiBaseUrl ? { from: current.apiBaseUrl, to: d.api_base_url } : undefined;
  if (urlChange) {
    refuseApiBaseUrl(urlChange.to, checkApiBaseUrl);
    // Why: whoever moves the URL must prove they hold the token it will carry, or an admin could
    // redirect a token they never saw to a host of their choosing.
    if (!d.access_token) {
      throw new AppError('VALIDATION_FAILED', 'changing api_base_url needs the access token again in the same request', { fields: [{ field: 'access_token', message: 'required when api_base_url changes' }] });
    }
  }
  // Rotating only the app secret is allowed (the other holders rotate in turn); moving to a WABA is checked like a connect.
  if (d.waba_id && d.waba_id !== current.wabaId) await assertWabaFree(ctx, box, d.waba_id, d.app_secret ?? box.open(current.appSecretSealed));
  const [row] = await ctx.db
    .update(phoneNumbers)
    .set({
      ...(d.waba_id ? { wabaId: d.waba_id } : {}),
      ...(d.display_number ? { displayNumber: d.display_number } : {}),
      ...(d.access_token ? { accessTokenSealed: box.seal(d.access_token) } : {}),
      ...(d.app_secret ? { appSecretSealed: box.seal(d.app_secret) } : {}),
      ...(d.verify_token ? { verifyTokenSealed: box.seal(d.verify_token) } : {}),
      ...(d.api_base_url ? { apiBaseUrl: d.api_base_url } : {}),
      ...(d.api_version ? { apiVersion: d.api_version } : {}),
      ...(d.throughput_mps ? { throughputMps: d.throughput_mps } : {}),
      ...(d.messaging_limit_tier ? { messagingLimitTier: d.messaging_limit_tier } : {}),
      updatedAt: ctx.now,
    })
    .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.workspaceId, ctx.workspaceId)))
    .returning();
  if (row && row.messagingLimitTier !== current.messagingLimitTier) await recordHealth(ctx.db, row, 'manual', ctx.now);
  const secretsRotated = ['access_token', 'app_secret', 'verify_token'].filter((k) => k in d);
  await recordAudit(ctx, {
    action: 'phone_number.updated',
    targetType: 'phone_number',
    targetId: id,
    details: { fields: Object.keys(d).filter((k) => !secretsRotated.includes(k)), secrets_rotated: secretsRotated, ...(urlChange ? { api_base_url: urlChange } : {}) },
  });
  return toNumberOut(row!);
}

/** Disconnects a number. */
export async function disconnectNumber(ctx: Ctx, id: string): Promise<void> {
  const row = await loadNumber(ctx, id);
  await ctx.db.delete(phoneNumbers).where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.workspaceId, ctx.workspaceId)));
  await recordAudit(ctx, { action: 'phone_number.disconnected', targetType: 'phone_number', targetId: id, details: { display_number: row.displayNumber } });
}

/** Decrypted credentials for sending as a number of the workspace. */
export async function credentialsFor(ctx: Ctx, box: SecretBox, id: string): Promise<NumberCredentials & { throughputMps: number; messagingLimitTier: string }> {
  const r = await loadNumber(ctx, id);
  return { phoneNumberId: r.phoneNumberId, wabaId: r.wabaId, accessToken: box.open(r.accessTokenSealed), apiBaseUrl: r.apiBaseUrl, apiVersion: r.apiVersion, throughputMps: r.throughputMps, messagingLimitTier: r.messagingLimitTier };
}

/** A number's current secrets, decrypted (the sandbox hands them to its simulator); undefined once disconnected. */
export async function numberSecrets(ctx: Ctx, box: SecretBox, id: string): Promise<{ phoneNumberId: string; accessToken: string; appSecret: string; verifyToken: string } | undefined> {
  const [r] = await ctx.db
    .select({ phoneNumberId: phoneNumbers.phoneNumberId, token: phoneNumbers.accessTokenSealed, app: phoneNumbers.appSecretSealed, verify: phoneNumbers.verifyTokenSealed })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.workspaceId, ctx.workspaceId)));
  return r ? { phoneNumberId: r.phoneNumberId, accessToken: box.open(r.token), appSecret: box.open(r.app), verifyToken: box.open(r.verify) } : undefined;
}

/** What webhook intake needs to check signatures and route events (all workspaces). */
export interface IntakeNumber {
  id: string;
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string;
  appSecret: string;
  verifyToken: string;
}

/** Every connected number with its decrypted app secret and verify token. */
export async function listIntakeNumbers(db: Db, box: SecretBox): Promise<IntakeNumber[]> {
  const rows = await db
    .select({ id: phoneNumbers.id, workspaceId: phoneNumbers.workspaceId, phoneNumberId: phoneNumbers.phoneNumberId, wabaId: phoneNumbers.wabaId, app: phoneNumbers.appSecretSealed, verify: phoneNumbers.verifyTokenSealed })
    .from(phoneNumbers);
  return rows.map((r) => ({ id: r.id, workspaceId: r.workspaceId, phoneNumberId: r.phoneNumberId, wabaId: r.wabaId, appSecret: box.open(r.app), verifyToken: box.open(r.verify) }));
}

/** Appends one row of a number's health history (its rating and tier as they now stand). */
async function recordHealth(db: Db, row: Pick<NumberRow, 'id' | 'workspaceId' | 'qualityRating' | 'messagingLimitTier'>, event: string, at: Date): Promise<void> {
  await db.insert(phoneNumberHealthEvents).values({ workspaceId: row.workspaceId, phoneNumberId: row.id, qualityRating: row.qualityRating, messagingLimitTier: row.messagingLimitTier, event, occurredAt: at });
}

/**
 * Applies a `phone_number_quality_update` (or a health read) to a number. A change of quality
 * rating or tier appends a health-history row in the same statement. Why one statement: the
 * webhook path may run outside a transaction, and the CTE's `before` reads the rows as they were
 * before the update (every part of one statement sees the same snapshot).
 */
export async function applyNumberHealth(
  db: Db,
  where: { phoneNumberId?: string; wabaId?: string; displayNumber?: string },
  health: { qualityRating?: string; limitTier?: string | number; throughputLevel?: string; verifiedName?: string; now: Date; event?: string },
): Promise<number> {
  const tier = normaliseLimitTier(health.limitTier);
  const mps = throughputOfLevel(health.throughputLevel);
  const quality = health.qualityRating && (QUALITY_RATINGS as readonly string[]).includes(health.qualityRating) ? health.qualityRating : undefined;
  const conds = [
    where.phoneNumberId ? sql`phone_number_id = ${where.phoneNumberId}` : undefined,
    where.wabaId ? sql`waba_id = ${where.wabaId}` : undefined,
    // Meta writes the display number as digits ("15550100000"); people type it with spaces and a plus.
    where.displayNumber ? sql`regexp_replace(display_number, '[^0-9]', '', 'g') = ${where.displayNumber.replace(/\D/g, '')}` : undefined,
  ].filter((c) => c !== undefined);
  if (conds.length === 0) return 0;
  const match = sql.join(conds, sql` and `);
  const sets = [
    tier ? sql`messaging_limit_tier = ${tier}` : undefined,
    mps ? sql`throughput_mps = ${mps}` : undefined,
    quality ? sql`quality_rating = ${quality}` : undefined,
    health.verifiedName ? sql`verified_name = ${health.verifiedName}` : undefined,
    sql`health_checked_at = ${health.now.toISOString()}::timestamptz`,
    sql`updated_at = ${health.now.toISOString()}::timestamptz`,
  ].filter((c) => c !== undefined);
  const rows = await queryRowsOf<{ id: string }>(db, sql`
    with before as (select id, quality_rating, messaging_limit_tier from phone_numbers where ${match}),
    changed as (update phone_numbers set ${sql.join(sets, sql`, `)} where ${match} returning id, workspace_id, quality_rating, messaging_limit_tier),
    logged as (
      insert into phone_number_health_events (workspace_id, phone_number_id, quality_rating, messaging_limit_tier, event, occurred_at)
      select c.workspace_id, c.id, c.quality_rating, c.messaging_limit_tier, ${health.event ?? 'health_read'}, ${health.now.toISOString()}::timestamptz
      from changed c join before b on b.id = c.id
      where (b.quality_rating, b.messaging_limit_tier) is distinct from (c.quality_rating, c.messaging_limit_tier)
    )
    select id from changed`);
  return rows.length;
}

/** One number's health history point. */
export interface HealthPoint {
  at: string;
  quality_rating: string;
  messaging_tier: string;
}

/** The workspace's numbers with their current rating and tier and their history since `since`, oldest first. */
export async function numberHealthHistory(
  ctx: Pick<Ctx, 'db' | 'workspaceId'>,
  since: Date,
): Promise<{ id: string; display_number: string; quality_rating: string; messaging_tier: string; history: HealthPoint[] }[]> {
  const numbers = await ctx.db
    .select({ id: phoneNumbers.id, displayNumber: phoneNumbers.displayNumber, qualityRating: phoneNumbers.qualityRating, messagingLimitTier: phoneNumbers.messagingLimitTier })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.workspaceId, ctx.workspaceId))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id));
  const events = await ctx.db
    .select({ numberId: phoneNumberHealthEvents.phoneNumberId, at: phoneNumberHealthEvents.occurredAt, quality: phoneNumberHealthEvents.qualityRating, tier: phoneNumberHealthEvents.messagingLimitTier })
    .from(phoneNumberHealthEvents)
    .where(and(eq(phoneNumberHealthEvents.workspaceId, ctx.workspaceId), gte(phoneNumberHealthEvents.occurredAt, since)))
    .orderBy(asc(phoneNumberHealthEvents.occurredAt), asc(phoneNumberHealthEvents.id));
  const byNumber = new Map<string, HealthPoint[]>();
  for (const e of events) {
    const list = byNumber.get(e.numberId) ?? [];
    list.push({ at: e.at.toISOString(), quality_rating: e.quality, messaging_tier: e.tier });
    byNumber.set(e.numberId, list);
  }
  return numbers.map((n) => ({ id: n.id, display_number: n.displayNumber, quality_rating: n.qualityRating, messaging_tier: n.messagingLimitTier, history: byNumber.get(n.id) ?? [] }));
}

/** Reads the number's health from the Cloud API and stores it. */
export async function refreshNumberHealth(ctx: Ctx, box: SecretBox, gateway: WhatsAppGateway, id: string): Promise<NumberOut> {
  const creds = await credentialsFor(ctx, box, id);
  const info = await gateway.getNumberInfo(creds);
  await applyNumberHealth(ctx.db, { phoneNumberId: creds.phoneNumberId }, {
    ...(info.qualityRating ? { qualityRating: info.qualityRating } : {}),
    ...(info.messagingLimitTier ? { limitTier: info.messagingLimitTier } : {}),
    ...(info.throughputLevel ? { throughputLevel: info.throughputLevel } : {}),
    ...(info.verifiedName ? { verifiedName: info.verifiedName } : {}),
    now: ctx.now,
  });
  await recordAudit(ctx, { action: 'phone_number.health_refreshed', targetType: 'phone_number', targetId: id, details: { quality_rating: info.qualityRating ?? null } });
  return getNumber(ctx, id);
}

/** Connected numbers with these Meta phone-number ids, in any workspace (webhook routing). */
export async function findNumbersByMetaIds(db: Db, phoneNumberIds: string[]): Promise<{ id: string; workspaceId: string; phoneNumberId: string }[]> {
  if (phoneNumberIds.length === 0) return [];
  return db
    .select({ id: phoneNumbers.id, workspaceId: phoneNumbers.workspaceId, phoneNumberId: phoneNumbers.phoneNumberId })
    .from(phoneNumbers)
    .where(inArray(phoneNumbers.phoneNumberId, phoneNumberIds));
}

/** True when any workspace has a real (not sandbox) number connected. */
export async function hasRealNumbers(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: phoneNumbers.id }).from(phoneNumbers).where(eq(phoneNumbers.isSandbox, false)).limit(1);
  return row !== undefined;
}

/** The workspace's sandbox number, if it has one. */
export async function findSandboxNumber(ctx: Ctx): Promise<NumberOut | undefined> {
  const [row] = await ctx.db.select().from(phoneNumbers).where(and(eq(phoneNumbers.workspaceId, ctx.workspaceId), eq(phoneNumbers.isSandbox, true))).limit(1);
  return row ? toNumberOut(row) : undefined;
}

/** Points a sandbox number at the simulator's current address (its port can change between runs). */
export async function setSandboxApiBase(ctx: Ctx, id: string, apiBaseUrl: string): Promise<void> {
  await ctx.db
    .update(phoneNumbers)
    .set({ apiBaseUrl, updatedAt: ctx.now })
    .where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.workspaceId, ctx.workspaceId), eq(phoneNumbers.isSandbox, true)));
}

/** The workspace's numbers with their WABA ids (a broadcast picks its sending number among them). */
export async function listNumberWabas(db: Db, workspaceId: string): Promise<{ id: string; wabaId: string }[]> {
  return db.select({ id: phoneNumbers.id, wabaId: phoneNumbers.wabaId }).from(phoneNumbers).where(eq(phoneNumbers.workspaceId, workspaceId));
}

/** Whether the workspace has a number with this id. */
export async function hasNumber(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const [n] = await db.select({ id: phoneNumbers.id }).from(phoneNumbers).where(and(eq(phoneNumbers.id, id), eq(phoneNumbers.workspaceId, workspaceId)));
  return n !== undefined;
}

/** The workspace's number with this id, or (no id) its first connected number: what a link to the business opens. */
export async function numberForLink(db: Db, workspaceId: string, id: string | null): Promise<{ id: string; displayNumber: string; verifiedName: string | null } | undefined> {
  const [n] = await db
    .select({ id: phoneNumbers.id, displayNumber: phoneNumbers.displayNumber, verifiedName: phoneNumbers.verifiedName })
    .from(phoneNumbers)
    .where(and(eq(phoneNumbers.workspaceId, workspaceId), id ? eq(phoneNumbers.id, id) : undefined))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id))
    .limit(1);
  return n;
}

/** Send rate and messaging-limit tier of these numbers (any workspaces, one statement), by number id. */
export async function sendRatesOf(db: Db, refs: { workspaceId: string; id: string }[]): Promise<Map<string, { throughputMps: number; messagingLimitTier: string }>> {
  if (refs.length === 0) return new Map();
  const rows = await db
    .select({ id: phoneNumbers.id, throughputMps: phoneNumbers.throughputMps, messagingLimitTier: phoneNumbers.messagingLimitTier })
    .from(phoneNumbers)
    .where(idsInWorkspaces(phoneNumbers.workspaceId, phoneNumbers.id, refs));
  return new Map(rows.map(({ id, ...rate }) => [id, rate]));
}
