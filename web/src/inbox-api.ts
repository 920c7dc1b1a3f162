// The shared inbox through the public API (/api/v1/conversations).
import { gl, unwrap } from './api-client';
import type { BodyOf, ItemOf, QueryOf, ResponseOf } from './api-schema';

/** A conversation as the inbox lists it. */
export type Conversation = ItemOf<ResponseOf<'/api/v1/conversations', 'get'>>;
/** A conversation with its thread (newest 100 messages, oldest first) and its internal notes. */
export type ConversationDetail = ResponseOf<'/api/v1/conversations/{id}', 'get'>;
/** One message of a thread. */
export type ThreadMessage = ConversationDetail['messages'][number];
/** One internal note. */
export type ConversationNote = ConversationDetail['notes'][number];
/** What the list can be filtered by. */
export type ConversationFilter = NonNullable<QueryOf<'/api/v1/conversations', 'get'>['filter']>;
/** Where a conversation stands. */
export type ConversationState = Conversation['state'];
/** A reply: free-form text inside the window, or an approved template with its topic. */
export type ReplyBody = BodyOf<'/api/v1/conversations/{id}/messages', 'post'>;

/** One page of the inbox, newest activity first. */
export const listConversations = (filter: ConversationFilter, q: string, cursor?: string, limit = 50, team?: string) =>
  unwrap(gl.GET('/api/v1/conversations', { params: { query: { filter, q: q.trim() || undefined, team: team || undefined, limit, cursor } } }));
/** One conversation with its messages and notes. */
export const getConversation = (id: string) => unwrap(gl.GET('/api/v1/conversations/{id}', { params: { path: { id } } }));
/** Sends a reply; the answer is the message's id and status. */
export const sendReply = (id: string, body: ReplyBody) => unwrap(gl.POST('/api/v1/conversations/{id}/messages', { params: { path: { id } }, body }));
/** Assigns to a user of the workspace, or unassigns (null). */
export const assignConversation = (id: string, assigneeId: string | null) => unwrap(gl.POST('/api/v1/conversations/{id}/assign', { params: { path: { id } }, body: { assignee_id: assigneeId } }));
/** Assigns to a team (null: takes the team off); a user not in the team is cleared, and round-robin may deal it to a member. */
export const assignConversationTeam = (id: string, teamId: string | null) => unwrap(gl.POST('/api/v1/conversations/{id}/assign', { params: { path: { id } }, body: { team_id: teamId } }));
/** Open, pending (waiting on the customer) or closed. */
export const setConversationState = (id: string, state: ConversationState) => unwrap(gl.POST('/api/v1/conversations/{id}/state', { params: { path: { id } }, body: { state } }));
/** Adds an internal note (never sent to the person). */
export const addConversationNote = (id: string, text: string) => unwrap(gl.POST('/api/v1/conversations/{id}/notes', { params: { path: { id } }, body: { text } }));
/** Marks the person's messages read. */
export const markConversationRead = (id: string) => unwrap(gl.POST('/api/v1/conversations/{id}/read', { params: { path: { id } } }));
/** The live-updates stream (Server-Sent Events; the session cookie authenticates it). */
export const CONVERSATION_EVENTS_URL = '/api/v1/conversations/events';

/** A canned reply as saved (variables not filled). */
export type CannedReply = ResponseOf<'/api/v1/canned-replies/{id}', 'get'>;
/** A canned reply filled in for one conversation. */
export type RenderedCanned = ResponseOf<'/api/v1/conversations/{id}/canned-replies', 'get'>['data'][number];
/** Round-robin and who is available. */
export type Routing = ResponseOf<'/api/v1/conversations/routing', 'get'>;
/** One of a contact's automation runs. */
export type ContactRun = ResponseOf<'/api/v1/contacts/{id}/automation-runs', 'get'>['data'][number];
/** One customer event of a contact. */
export type ContactEvent = ItemOf<ResponseOf<'/api/v1/contacts/{id}/events', 'get'>>;

/** The workspace's canned replies by shortcut. */
export const listCannedReplies = () => unwrap(gl.GET('/api/v1/canned-replies'));
/** Saves a canned reply (an unknown variable is refused, named). */
export const createCannedReply = (input: { shortcut: string; text: string }) => unwrap(gl.POST('/api/v1/canned-replies', { body: input }));
/** Deletes a canned reply. */
export const deleteCannedReply = (id: string) => unwrap(gl.DELETE('/api/v1/canned-replies/{id}', { params: { path: { id } } }));
/** Canned replies filled in for a conversation. */
export const renderCannedReplies = (id: string) => unwrap(gl.GET('/api/v1/conversations/{id}/canned-replies', { params: { path: { id } } }));
/** Says the agent is replying: other agents see it, the person sees WhatsApp's typing indicator. */
export const sendTyping = (id: string) => unwrap(gl.POST('/api/v1/conversations/{id}/typing', { params: { path: { id } } }));
/** Round-robin and agents' availability. */
export const getRouting = () => unwrap(gl.GET('/api/v1/conversations/routing'));
/** Turns round-robin on or off. */
export const setRoundRobin = (on: boolean) => unwrap(gl.PATCH('/api/v1/conversations/routing', { body: { round_robin: on } }));
/** Marks a user available (or not) for new conversations. */
export const setAvailable = (userId: string, available: boolean) => unwrap(gl.PUT('/api/v1/conversations/routing/agents/{id}', { params: { path: { id: userId } }, body: { available } }));
/** A contact's automation runs, running ones first. */
export const listContactRuns = (contactId: string) => unwrap(gl.GET('/api/v1/contacts/{id}/automation-runs', { params: { path: { id: contactId } } }));
/** A contact's newest customer events. */
export const listContactEvents = (contactId: string, limit = 5) => unwrap(gl.GET('/api/v1/contacts/{id}/events', { params: { path: { id: contactId }, query: { limit } } }));

/** A team of agents with its members. */
export type InboxTeam = ResponseOf<'/api/v1/inbox-teams/{id}', 'get'>;
/** The workspace's teams by name. */
export const listInboxTeams = () => unwrap(gl.GET('/api/v1/inbox-teams'));
/** Creates a team with its members. */
export const createInboxTeam = (input: { name: string; user_ids: string[] }) => unwrap(gl.POST('/api/v1/inbox-teams', { body: input }));
/** Replaces a team's members. */
export const setInboxTeamMembers = (id: string, userIds: string[]) => unwrap(gl.PUT('/api/v1/inbox-teams/{id}/members', { params: { path: { id } }, body: { user_ids: userIds } }));
/** Deletes a team (its conversations keep their user). */
export const deleteInboxTeam = (id: string) => unwrap(gl.DELETE('/api/v1/inbox-teams/{id}', { params: { path: { id } } }));
