// Merging contacts that are one WhatsApp user (+551144445555 and +5511944445555, docs/whatsapp-cloud-api.md §7.1).
// It lives with erasure: both rewrite a person's rows across modules, and both may touch the ledger.
import { param, sql } from 'drizzle-orm';
import { canonicalPhone, canonicalPhoneSqlCase } from '../../lib/phone/index.js';
import { recordAudit } from '../audit/index.js';
import { mergeBroadcastRecipients } from '../broadcasts/index.js';
import { carrySuppressions, hashExactPhoneWith, moveConsentLedger, moveOptOutNotes, suppressionKeyFor } from '../consent/index.js';
import { mergeContactRows } from '../contacts/index.js';
import { mergeConversations } from '../conversations/index.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { mergeContactEngagement, moveContactEvents } from '../engagement/index.js';
import { moveLifecycleTransitions } from '../lifecycle/index.js';
import { moveContactMessages } from '../messaging/index.js';
import { moveOptinSubmissions } from '../optin/index.js';
import { mergeListMemberships } from '../segments/index.js';
import { queryRowsOf } from '../sql.js';

interface Row {
  id: string;
  phone: string;
  wa_id: string | null;
}

/**
 * Merges `dropIds` into `keepId` in the caller's transaction. Nothing of either history is lost:
 * the consent events of the dropped contacts are re-pointed to the kept one (the ledger stays
 * append-only; only `contact_id` moves, under the same guard erasure uses) and its consent state
 * is folded again from the joined ledger, so a STOP recorded on either side withdraws the person.
 * Messages, notes, events, list memberships and broadcast rows move too; the kept contact fills
 * its empty fields from the others; a suppression stored under a non-canonical form is carried to
 * the canonical hash. Then the dropped contacts are deleted and each merge is audited.
 */
export async function mergeContacts(db: Db, workspaceId: string, keepId: string, dropIds: string[], now: Date, log: Log): Promise<void> {
  const drops = dropIds.filter((d) => d !== keepId);
  if (drops.length === 0) return;
  const all = [keepId, ...drops];
  const rows = await queryRowsOf<Row>(db, sql`select id, phone, wa_id from contacts where workspace_id = ${workspaceId} and id = any(${param(all)}::uuid[])`);
  const keep = rows.find((r) => r.id === keepId);
  if (!keep) return;
  const gone = rows.filter((r) => r.id !== keepId).map((r) => r.id);
  if (gone.length === 0) return;
  const key = await suppressionKeyFor(db, workspaceId);
  const to = hashExactPhoneWith(key, canonicalPhone(keep.phone));
  await carrySuppressions(db, workspaceId, rows.map((r) => ({ from: hashExactPhoneWith(key, r.phone), to })));

  await moveConsentLedger(db, workspaceId, gone, keepId);

  // Each module moves its own rows; the order is the one these steps have always run in.
  await moveContactMessages(db, workspaceId, keepId, gone);
  await moveOptOutNotes(db, workspaceId, keepId, gone);
  await moveOptinSubmissions(db, workspaceId, keepId, gone);
  await moveContactEvents(db, workspaceId, keepId, gone);
  await moveLifecycleTransitions(db, workspaceId, keepId, gone);
  await mergeListMemberships(db, workspaceId, keepId, gone);
  await mergeBroadcastRecipients(db, workspaceId, keepId, gone);
  await mergeContactEngagement(db, workspaceId, keepId, gone);
  await mergeConversations(db, workspaceId, keepId, gone);
  await mergeContactRows(db, workspaceId, keepId, gone, now);
  const ctx = { db, workspaceId, actor: SYSTEM_ACTOR, now, log };
  for (const r of rows.filter((x) => x.id !== keepId)) {
    await recordAudit(ctx, { action: 'contact.merged', targetType: 'contact', targetId: keepId, details: { merged_contact_id: r.id, reason: 'same WhatsApp user (equivalent number forms)' } });
  }
  log.info({ workspaceId, keepId, merged: gone.length }, 'merged contacts that are one WhatsApp user');
}

/**
 * Finds contacts of a workspace that are one WhatsApp user (equivalent number forms, §7.1) and
 * merges each group into its oldest contact. Groups whose contacts carry different known wa_ids
 * are different WhatsApp users and are left alone. The first run in a workspace also carries
 * suppressions stored under a non-canonical form (before hashes were canonical) to the canonical
 * hash. Returns how many contacts were merged away and entries carried. Set-based: one scan of
 * the BR/MX/AR numbers.
 */
export async function mergeEquivalentContacts(db: Db, workspaceId: string, now: Date, log: Log): Promise<{ merged: number; suppressionsCarried: number }> {
  const suppressionsCarried = await carryLegacySuppressionsOnce(db, workspaceId, now, log);
  const canonical = sql.raw(canonicalPhoneSqlCase('c.phone'));
  const rows = await queryRowsOf<{ ids: string[]; wa_ids: number }>(
    db,
    sql`select array_agg(k.id::text order by k.created_at, k.id) as ids, count(distinct k.wa_id)::int as wa_ids
        from (select c.id, c.wa_id, c.created_at, ${canonical} as canonical from contacts c
              where c.workspace_id = ${workspaceId} and (c.phone like '+55%' or c.phone like '+52%' or c.phone like '+54%')) k
        where k.canonical is not null
        group by k.canonical
        having count(*) > 1`,
  );
  let merged = 0;
  for (const r of rows) {
    // Different known wa_ids: WhatsApp says these are different people.
    if (r.wa_ids > 1) continue;
    // Its own transaction (a savepoint inside one): the ledger guard's setting is transaction-local.
    await db.transaction((tx) => mergeContacts(tx, workspaceId, r.ids[0]!, r.ids.slice(1), now, log));
    merged += r.ids.length - 1;
  }
  return { merged, suppressionsCarried };
}

const LEGACY_MARK = { targetType: 'suppression_list', targetId: 'canonical-whatsapp-forms' };

/**
 * Once per workspace (marked in the audit log): suppression entries of contacts whose number is a
 * non-canonical form were hashed as written before hashes became canonical; they are copied to
 * the canonical hash, paged by id. Entries of numbers with no contact (an old suppression CSV)
 * cannot be recomputed: re-importing that CSV hashes them canonically.
 */
async function carryLegacySuppressionsOnce(db: Db, workspaceId: string, now: Date, log: Log): Promise<number> {
  const done = await queryRowsOf(db, sql`select 1 from audit_log where workspace_id = ${workspaceId} and target_type = ${LEGACY_MARK.targetType} and target_id = ${LEGACY_MARK.targetId} limit 1`);
  if (done.length > 0) return 0;
  const key = await suppressionKeyFor(db, workspaceId);
  const canonical = sql.raw(canonicalPhoneSqlCase('c.phone'));
  let carried = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await queryRowsOf<{ id: string; phone: string; canonical: string | null }>(
      db,
      sql`select c.id, c.phone, ${canonical} as canonical from contacts c
          where c.workspace_id = ${workspaceId} and c.id > ${after}::uuid and (c.phone like '+55%' or c.phone like '+52%' or c.phone like '+54%')
          order by c.id limit 20000`,
    );
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const pairs = page.filter((r) => r.canonical && r.canonical !== r.phone).map((r) => ({ from: hashExactPhoneWith(key, r.phone), to: hashExactPhoneWith(key, r.canonical!) }));
    carried += await carrySuppressions(db, workspaceId, pairs);
  }
  await recordAudit({ db, workspaceId, actor: SYSTEM_ACTOR, now, log }, { action: 'suppressions.canonicalized', ...LEGACY_MARK, details: { carried } });
  return carried;
}

/** `mergeEquivalentContacts` for every workspace (the periodic sweep; also repairs data from before equivalences). */
export async function mergeEquivalentContactsEverywhere(db: Db, now: Date, log: Log): Promise<{ merged: number; suppressionsCarried: number }> {
  const total = { merged: 0, suppressionsCarried: 0 };
  for (const { id } of await queryRowsOf<{ id: string }>(db, sql`select id from workspaces order by id`)) {
    const r = await mergeEquivalentContacts(db, id, now, log);
    total.merged += r.merged;
    total.suppressionsCarried += r.suppressionsCarried;
  }
  return total;
}
