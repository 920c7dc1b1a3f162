// The shared inbox through the public API (/api/v1/conversations).
import { apiRequest, query, type Page } from './api-client';
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

const at = (id: string) => `/conversations/${encodeURIComponent(id)}`;

/** One page of the inbox, newest activity first. */
export const listConversations = (filter: ConversationFilter, q: string, cursor?: string, limit = 50, team?: string) =>
  apiRequest<Page<Conversation>>('GET', `/conversations${query({ filter, q: q.trim() || undefined, team: team || undefined, limit, cursor })}`);
/** One conversation with its messages and notes. */
export const getConversation = (id: string) => apiRequest<ConversationDetail>('GET', at(id));
/** Sends a reply; the answer is the message's id and status. */
export const sendReply = (id: string, body: ReplyBody) => apiRequest<{ id: string; status: string }>('POST', `${at(id)}/messages`, body);
/** Assigns to a user of the workspace, or unassigns (null). */
export const assignConversation = (id: string, assigneeId: string | null) => apiRequest<ConversationDetail>('POST', `${at(id)}/assign`, { assignee_id: assigneeId });
/** Assigns to a team (null: takes the team off); a user not in the team is cleared, and round-robin may deal it to a member. */
export const assignConversationTeam = (id: string, teamId: string | null) => apiRequest<ConversationDetail>('POST', `${at(id)}/assign`, { team_id: teamId });
/** Open, pending (waiting on the customer) or closed. */
export const setConversationState = (id: string, state: ConversationState) => apiRequest<ConversationDetail>('POST', `${at(id)}/state`, { state });
/** Adds an internal note (never sent to the person). */
export const addConversationNote = (id: string, text: string) => apiRequest<ConversationDetail>('POST', `${at(id)}/notes`, { text });
/** Marks the person's messages read. */
export const markConversationRead = (id: string) => apiRequest<ConversationDetail>('POST', `${at(id)}/read`);
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
export const listCannedReplies = () => apiRequest<{ data: CannedReply[] }>('GET', '/canned-replies');
/** Saves a canned reply (an unknown variable is refused, named). */
export const createCannedReply = (input: { shortcut: string; text: string }) => apiRequest<CannedReply>('POST', '/canned-replies', input);
/** Deletes a canned reply. */
export const deleteCannedReply = (id: string) => apiRequest<{ deleted: true }>('DELETE', `/canned-replies/${encodeURIComponent(id)}`);
/** Canned replies filled in for a conversation. */
export const renderCannedReplies = (id: string) => apiRequest<{ data: RenderedCanned[] }>('GET', `${at(id)}/canned-replies`);
/** Says the agent is replying: other agents see it, the person sees WhatsApp's typing indicator. */
export const sendTyping = (id: string) => apiRequest<{ typing_indicator: boolean }>('POST', `${at(id)}/typing`);
/** Round-robin and agents' availability. */
export const getRouting = () => apiRequest<Routing>('GET', '/conversations/routing');
/** Turns round-robin on or off. */
export const setRoundRobin = (on: boolean) => apiRequest<Routing>('PATCH', '/conversations/routing', { round_robin: on });
/** Marks a user available (or not) for new conversations. */
export const setAvailable = (userId: string, available: boolean) => apiRequest<Routing>('PUT', `/conversations/routing/agents/${encodeURIComponent(userId)}`, { available });
/** A contact's automation runs, running ones first. */
export const listContactRuns = (contactId: string) => apiRequest<{ data: ContactRun[] }>('GET', `/contacts/${encodeURIComponent(contactId)}/automation-runs`);
/** A contact's newest customer events. */
export const listContactEvents = (contactId: string, limit = 5) => apiRequest<Page<ContactEvent>>('GET', `/contacts/${encodeURIComponent(contactId)}/events?limit=${limit}`);

/** A team of agents with its members. */
export type InboxTeam = ResponseOf<'/api/v1/inbox-teams/{id}', 'get'>;
/** The workspace's teams by name. */
export const listInboxTeams = () => apiRequest<{ data: InboxTeam[] }>('GET', '/inbox-teams');
/** Creates a team with its members. */
export const createInboxTeam = (input: { name: string; user_ids: string[] }) => apiRequest<InboxTeam>('POST', '/inbox-teams', input);
/** Replaces a team's members. */
export const setInboxTeamMembers = (id: string, userIds: string[]) => apiRequest<InboxTeam>('PUT', `/inbox-teams/${encodeURIComponent(id)}/members`, { user_ids: userIds });
/** Deletes a team (its conversations keep their user). */
export const deleteInboxTeam = (id: string) => apiRequest<{ deleted: true }>('DELETE', `/inbox-teams/${encodeURIComponent(id)}`);
