// SQL pieces that keep a conversation's "opening" current for the agent figures (figures.service.ts):
// `opened_at` (when it was created or reopened after being closed), `first_inbound_at` (the person's
// first message in it) and `first_response_at` (the first agent reply after that message).
import { sql } from 'drizzle-orm';

/** A closed conversation reopened by the person's new message (the same test the state column uses). */
const REOPENED = sql`(c.state = 'closed' and excluded.last_inbound_at > c.state_at)`;
/** The batch's first message sent after `after` (the batch's newest when its first came earlier). */
const firstAfter = (after: ReturnType<typeof sql>) => sql`case when excluded.first_inbound_at > ${after} then excluded.first_inbound_at else excluded.last_inbound_at end`;

/**
 * The sync's `on conflict do update` columns (`c`: the stored row, `excluded`: the batch's, whose
 * `first_inbound_at` is its first message). A reopening starts a new opening; otherwise the first
 * inbound message is kept once set. Why no "after opened_at" test for it: a hand-over opens the
 * conversation just after the person's message that asked for a person, and that message is the
 * one waiting for an answer.
 */
export const OPENING_COLUMNS = sql`
  opened_at = case when ${REOPENED} then ${firstAfter(sql`c.state_at`)} else c.opened_at end,
  first_inbound_at = case when ${REOPENED} then ${firstAfter(sql`c.state_at`)} else coalesce(c.first_inbound_at, excluded.first_inbound_at) end,
  first_response_at = case when ${REOPENED} then null else c.first_response_at end`;

/** A hand-over's `on conflict do update` columns: reopening a closed conversation starts a new opening (its message comes through the sync). */
export const HANDOVER_OPENING_COLUMNS = sql`
  opened_at = case when c.state = 'closed' then excluded.opened_at else c.opened_at end,
  first_inbound_at = case when c.state = 'closed' then null else c.first_inbound_at end,
  first_response_at = case when c.state = 'closed' then null else c.first_response_at end`;
