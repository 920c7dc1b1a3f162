import { and, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/index.js';
import { appendConsentEvents, missingEvidence, normalizeKeyword, phoneHasher, removeSuppression, suppressionSubject, type ConsentSource } from '../consent/index.js';
import { recipientAddress } from '../../lib/phone/index.js';
import { contactSubjectOf, setContactAttribute } from '../contacts/index.js';
import { SYSTEM_ACTOR, type Db, type Log } from '../context.js';
import { enqueueAutomated } from '../messaging/index.js';
import { preferencePageLink, type PreferenceSettings } from '../preferences/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { businessNameOf, numberOfSource, topicsOfSource, type SourceRow } from './optin-lookup.js';
import { submissionIdOfPayload, welcomeTextOf } from './optin.rules.js';
import type { PageData, WelcomeData } from './optin.schemas.js';
import { optinSources, optinSubmissions } from './optin.tables.js';

/** An inbound text message, as the keyword handlers see it. */
export interface InboundKeywordContext {
  workspaceId: string;
  numberId: string;
  contactId: string;
  waId: string;
  wamid: string;
  text: string | null;
  /** Quick-reply payload or interactive reply id. */
  replyId: string | null;
  at: Date;
  now: Date;
}

type SubmissionRow = typeof optinSubmissions.$inferSelect;
type Contact = { id: string; phone: string | null; userId: string | null };

// The audit row needs a ctx; nothing here logs through it.
const QUIET: Log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

/**
 * Handles an inbound message that may be an opt-in keyword (a source's keyword from a click-to-chat
 * link or QR code, or the confirmation of a hosted-form submission). Runs in the webhook processing
 * transaction; idempotent per wamid. Returns true when the message was an opt-in.
 */
export async function applyOptinKeyword(db: Db, m: InboundKeywordContext): Promise<boolean> {
  const submissionId = submissionIdOfPayload(m.replyId);
  if (submissionId) return confirmByButton(db, m, submissionId);
  if (!m.text || m.text.length > 200) return false;
  const keyword = normalizeKeyword(m.text);
  if (!keyword) return false;
  const [source] = await db
    .select()
    .from(optinSources)
    .where(and(eq(optinSources.workspaceId, m.workspaceId), eq(optinSources.keyword, keyword), eq(optinSources.status, 'active')));
  if (!source) return false;
  const contact = await contactOf(db, m);
  if (!contact) return false;
  // A form's keyword confirms the person's own recent submission from that number (double
  // opt-in, with the web evidence); without one it is a plain keyword opt-in from that source.
  const [submission] =
    source.kind === 'form'
      ? await db
          .select()
          .from(optinSubmissions)
          .where(
            and(
              eq(optinSubmissions.workspaceId, m.workspaceId),
              eq(optinSubmissions.sourceId, source.id),
              inArray(optinSubmissions.phone, [...new Set([contact.phone ?? recipientAddress(m.waId), recipientAddress(m.waId)])]),
              isNull(optinSubmissions.confirmedAt),
              gt(optinSubmissions.expiresAt, m.at),
            ),
          )
          .orderBy(desc(optinSubmissions.createdAt))
          .limit(1)
      : [];
  return optIn(db, m, source, contact, submission, 'keyword');
}

/**
 * A tap on the confirmation message's button. The payload names the submission, and only the
 * number the confirmation was sent to can tap it, so it confirms that submission even after the
 * keyword window: the person said yes to exactly what they submitted.
 */
async function confirmByButton(db: Db, m: InboundKeywordContext, submissionId: string): Promise<boolean> {
  const [submission] = await db.select().from(optinSubmissions).where(and(eq(optinSubmissions.id, submissionId), eq(optinSubmissions.workspaceId, m.workspaceId)));
  if (!submission) return false;
  if (submission.confirmedAt) return true;
  const [source] = await db
    .select()
    .from(optinSources)
    .where(and(eq(optinSources.id, submission.sourceId), eq(optinSources.workspaceId, m.workspaceId), eq(optinSources.status, 'active')));
  const contact = source ? await contactOf(db, m) : undefined;
  if (!source || !contact) return false;
  return optIn(db, m, source, contact, submission, 'button');
}

async function contactOf(db: Db, m: InboundKeywordContext): Promise<Contact | undefined> {
  return contactSubjectOf(db, m.workspaceId, m.contactId);
}

/** Records the grants, lifts a suppression, confirms the submission and queues the welcome. */
async function optIn(db: Db, m: InboundKeywordContext, source: SourceRow, contact: Contact, submission: SubmissionRow | undefined, via: 'keyword' | 'button'): Promise<boolean> {
  const topics = await topicsOfSource(db, source);
  if (topics.length === 0) return false;
  const consentSource: ConsentSource = submission ? 'double_opt_in' : 'qr_keyword';
  const base = { wamid: m.wamid, source_id: source.id, source_kind: source.kind, keyword: source.keyword, number_id: m.numberId, confirmed_by: via };
  // The web evidence says what the person saw and from where; the wamid proves they confirmed.
  const evidence = submission ? { ...submission.evidence, ...base, submission_id: submission.id } : { text: source.consentText, ...base };
  if (missingEvidence(consentSource, evidence).length > 0) return false;
  const hash = await phoneHasher(db, m.workspaceId);
  const res = await appendConsentEvents(
    db,
    m.workspaceId,
    { type: 'system', id: null },
    topics.map((t) => ({ contactId: contact.id, phoneHash: hash(suppressionSubject(contact)), topicId: t.id, action: 'grant' as const, source: consentSource, evidence, occurredAt: m.at, dedupeKey: `optin:${m.wamid}:${t.id}` })),
    m.now,
  );
  // A replay of the same message: everything below committed with the first delivery.
  if (res.recorded.length === 0) return true;
  // The person opted in themselves, which is the one thing that may lift their own opt-out.
  for (const subject of new Set([suppressionSubject(contact), recipientAddress(m.waId)])) await removeSuppression(db, m.workspaceId, hash(subject));
  if (submission) {
    await db.update(optinSubmissions).set({ confirmedAt: m.at, contactId: contact.id }).where(and(eq(optinSubmissions.id, submission.id), isNull(optinSubmissions.confirmedAt)));
  }
  const welcome = (source.welcome ?? {}) as WelcomeData;
  if (welcome.incentive && welcome.incentive_attribute) {
    await setContactAttribute(db, m.workspaceId, contact.id, welcome.incentive_attribute, welcome.incentive, m.now);
  }
  await recordAudit(
    { db, workspaceId: m.workspaceId, actor: SYSTEM_ACTOR, now: m.now, log: QUIET },
    { action: 'consent.granted', targetType: 'contact', targetId: contact.id, details: { source: consentSource, optin_source_id: source.id, topics: topics.map((t) => t.key), submission_id: submission?.id ?? null, event_ids: res.recorded.map((e) => e.id) } },
  );
  await queueWelcome(db, m, source, topics, contact.id, welcome);
  return true;
}

async function queueWelcome(db: Db, m: InboundKeywordContext, source: SourceRow, topics: { name: string; frequency: string | null }[], contactId: string, welcome: WelcomeData): Promise<void> {
  const number = await numberOfSource(db, { workspaceId: m.workspaceId, numberId: m.numberId });
  const text = welcomeTextOf({
    businessName: await businessNameOf(db, source, number?.verifiedName ?? null),
    topics,
    frequency: (source.page as PageData | null)?.frequency ?? null,
    customText: welcome.text ?? null,
    incentive: welcome.incentive ?? null,
  });
  const link = await welcomePreferenceLink(db, m.workspaceId, contactId, m.now);
  await enqueueAutomated(
    db,
    [
      {
        workspaceId: m.workspaceId,
        numberId: m.numberId,
        contactId,
        waId: m.waId,
        kind: 'welcome',
        // The person just wrote, so the free-form text fits the open 24 h window; the template
        // (if configured) covers a welcome that waited in the queue until the window closed.
        dedupeKey: `welcome:${m.wamid}`,
        inboundAt: m.at,
        message: { type: 'text', text: link ? `${text}\n\nChoose what you get and how often: ${link}` : text },
        ...(welcome.template ? { template: { type: 'template' as const, name: welcome.template.name, language: welcome.template.language } } : {}),
      },
    ],
    m.now,
  );
}

/** The preference page link for a welcome, when the workspace asks for one (`settings.preferences.link_in_welcome`). */
async function welcomePreferenceLink(db: Db, workspaceId: string, contactId: string, now: Date): Promise<string | null> {
  const prefs = (await getWorkspaceSettings(db, workspaceId)).preferences as PreferenceSettings | null | undefined;
  return prefs?.link_in_welcome === true ? preferencePageLink(db, workspaceId, contactId, prefs, now) : null;
}
