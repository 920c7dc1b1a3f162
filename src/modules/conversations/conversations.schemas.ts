import { z } from 'zod';
import { conversationMessageIn } from '../messaging/index.js';
import { transactionalSendIn } from '../transactional/index.js';
import { CONVERSATION_FILTERS, CONVERSATION_STATES } from './conversations.rules.js';

/** `GET /api/v1/conversations` query. */
export const conversationListQuery = z.object({
  filter: z.enum(CONVERSATION_FILTERS).default('all').describe("mine (yours, and your teams' with no user yet), unassigned, open, pending (waiting on the customer), closed, window_closing (the 24 h window closes within an hour)"),
  q: z.string().trim().min(1).max(100).optional().describe('a name, phone, tag or words in their messages'),
  team: z.uuid().optional().describe("only conversations assigned to this team (an id from GET /api/v1/inbox-teams)"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

const window = z.object({ open: z.boolean(), closes_at: z.string().nullable().describe('when the 24-hour customer-service window closes (null: they never wrote)') });

/** A conversation in the list. */
export const conversationOut = z.object({
  id: z.string(),
  number_id: z.string(),
  contact: z.object({ id: z.string(), name: z.string().nullable(), profile_name: z.string().nullable().describe('the name they show on WhatsApp'), phone: z.string().nullable(), tags: z.array(z.string()) }),
  state: z.enum(CONVERSATION_STATES),
  assignee_id: z.string().nullable(),
  team_id: z.string().nullable().describe('the team it is assigned to (GET /api/v1/inbox-teams)'),
  unread: z.number(),
  preview: z.string().nullable(),
  last_message_at: z.string(),
  window,
});
export type ConversationOut = z.infer<typeof conversationOut>;

/** A conversation with its thread (newest 100 messages, oldest first) and notes. */
export const conversationDetailOut = conversationOut.extend({
  messages: z.array(
    z.object({ id: z.string(), direction: z.string(), type: z.string(), body: z.string().nullable(), status: z.string(), source: z.string().describe('person, broadcast, automation, auto_reply, agent, api or system'), at: z.string() }),
  ),
  notes: z.array(z.object({ id: z.string(), author_id: z.string().nullable(), text: z.string(), created_at: z.string() })),
});
export type ConversationDetailOut = z.infer<typeof conversationDetailOut>;

/**
 * Assigning: a user, a team, or both. A team alone keeps the current user if they are in it, else
 * clears them (and round-robin, when on, deals it to one of the team's available members).
 */
export const assignIn = z
  .strictObject({
    assignee_id: z.uuid().nullable().optional().describe('a user of this workspace, or null to unassign the user'),
    team_id: z.uuid().nullable().optional().describe('a team of this workspace, or null to take the team off (the user stays)'),
  })
  .refine((v) => v.assignee_id !== undefined || v.team_id !== undefined, { message: 'give assignee_id, team_id or both', path: ['assignee_id'] });
export const stateIn = z.strictObject({ state: z.enum(CONVERSATION_STATES) });
export const noteIn = z.strictObject({ text: z.string().trim().min(1, 'must not be empty').max(4000) });

/** A reply: a free-form message inside the window, or an approved template (any time; the send gate checks consent for its topic). */
export const replyIn = z.union([
  conversationMessageIn,
  z.strictObject({ type: z.literal('template'), template: transactionalSendIn.shape.template, topic: transactionalSendIn.shape.topic }),
]);
