// Audit entries as sentences people read ("Ana withdrew Offers by STOP at 14:02"); the raw entry
// stays available behind a disclosure in the Audit log tab.
import type { AuditEntry } from './api-client';

/** What a sentence needs besides the entry: topic names by key (consent rows name topics by key). */
export interface AuditNames {
  topics: ReadonlyMap<string, string>;
}

type Details = Record<string, unknown>;
interface Parts {
  e: AuditEntry;
  d: Details;
  names: AuditNames;
}

const count = (v: unknown): string => (typeof v === 'number' ? v.toLocaleString('en-GB') : '0');
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
const quoted = (v: unknown, fallback: string): string => (str(v) ? `'${str(v)}'` : fallback);
const plural = (n: unknown, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : '');

/** Who acted: a user by name, an API key by its name, or the system / command line. */
export function actorLabel(e: AuditEntry): string {
  switch (e.actor_type) {
    case 'user':
      return e.actor_name ?? 'A removed user';
    case 'api_key':
      return e.actor_name ? `API key '${e.actor_name}'` : 'A removed API key';
    case 'system':
      return 'Greenlist';
    case 'cli':
      return 'The command line';
    default:
      return e.actor_type;
  }
}

function contact(e: AuditEntry): string {
  return e.target_name ?? (e.target_id ? 'a contact (since erased)' : 'a contact');
}

function topicName(names: AuditNames, key: unknown): string {
  const k = str(key);
  return names.topics.get(k) ?? k;
}

function topicsOf(p: Parts): string {
  const keys = Array.isArray(p.d.topics) ? p.d.topics : p.d.topic !== undefined ? [p.d.topic] : [];
  return keys.map((k) => topicName(p.names, k)).join(', ') || 'a topic';
}

// How consent came or went, as the end of a sentence.
const SOURCE_PHRASE: Record<string, string> = {
  web_form: 'on a sign-up form',
  qr_keyword: 'by keyword',
  inbound_message: 'by message',
  api: 'through the API',
  import: 'by import',
  agent: 'as recorded by an agent',
  double_opt_in: 'by confirming',
  stop_keyword: 'by STOP',
  stop_button: 'with the Stop button',
  user_preferences: "in WhatsApp's settings",
  delivery_failure: 'after failed deliveries',
  erasure: 'by erasure',
  automation: 'by not answering a re-permission request',
  preference_centre: 'in the preference centre',
  preference_page: 'on the preference page',
};
// Sources where the person themselves acted: the contact is the sentence's subject.
const PERSON_SOURCES = new Set(['web_form', 'qr_keyword', 'inbound_message', 'double_opt_in', 'stop_keyword', 'stop_button', 'user_preferences', 'preference_centre', 'preference_page']);

function consentSentence(p: Parts, verb: 'gave consent to' | 'withdrew'): string {
  const source = str(p.d.source);
  const how = SOURCE_PHRASE[source] ? ` ${SOURCE_PHRASE[source]}` : '';
  const who = contact(p.e);
  if (PERSON_SOURCES.has(source) || p.e.actor_type === 'system') return `${capital(who)} ${verb === 'withdrew' ? 'withdrew' : 'joined'} ${topicsOf(p)}${how}`;
  return verb === 'withdrew' ? `${actorLabel(p.e)} withdrew ${who} from ${topicsOf(p)}${how}` : `${actorLabel(p.e)} recorded consent from ${who} to ${topicsOf(p)}${how}`;
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function importSentence(p: Parts): string {
  const rows = plural(p.d.rows, 'row');
  if (p.d.dry_run === true) return `dry-ran an import of ${rows} (nothing written)`;
  const made = [p.d.created ? `${count(p.d.created)} new` : '', p.d.updated ? `${count(p.d.updated)} updated` : '', p.d.skipped ? `${count(p.d.skipped)} skipped` : ''].filter(Boolean).join(', ');
  return `imported ${rows}${made ? ` (${made})` : ''}`;
}

// What the actor did, by action: the rest of the sentence after "<actor> ".
const PREDICATES: Record<string, (p: Parts) => string> = {
  'workspace.created': (p) => `created the workspace ${quoted(p.d.slug, '')}`.trim(),
  'workspace.updated': (p) => `changed the workspace settings${list(p.d.settings_keys) ? ` (${list(p.d.settings_keys)})` : ''}${Array.isArray(p.d.fields) && p.d.fields.includes('name') ? ' and its name' : ''}`,
  'setup.completed': () => 'set up Greenlist (the first owner, the business name, its country and time zone)',
  'user.created': (p) => `added ${p.e.target_name ?? 'a user'} as ${str(p.d.role) || 'a user'}`,
  'user.updated': (p) => `changed ${p.e.target_name ?? 'a user'} (${list(p.d.fields) || 'no fields'}${p.d.password_changed === true ? ', new password' : ''})`,
  'user.deleted': (p) => `removed a user (${str(p.d.role)})`,
  'session.created': () => 'logged in',
  'session.revoked': () => 'logged out',
  'session.switched_out': () => 'switched to another of their workspaces',
  'session.switched_in': () => 'switched here from another of their workspaces (same email, password proven at login)',
  'api_key.created': (p) => `created the API key ${quoted(p.d.name, '')} (${str(p.d.role)})`,
  'api_key.revoked': (p) => `revoked the API key ${quoted(p.d.name, '')}${p.d.reason ? ` (${str(p.d.reason).replace(/_/g, ' ')})` : ''}`,
  'consent.granted': (p) => consentSentence(p, 'gave consent to'),
  'consent.withdrawn': (p) => consentSentence(p, 'withdrew'),
  'contact.created': (p) => `added the contact ${contact(p.e)}`,
  'contact.updated': (p) => `edited ${contact(p.e)} (${list(p.d.fields)})`,
  'contact.erased': () => 'erased a contact',
  'contact.exported': (p) => `exported the data of ${contact(p.e)}`,
  'contact.merged': (p) => `merged a duplicate into ${contact(p.e)}`,
  'contact.bulk_tagged': (p) => `tagged ${plural(p.d.updated, 'contact')}${list(p.d.add) ? ` with ${list(p.d.add)}` : ''}${list(p.d.remove) ? `, removing ${list(p.d.remove)}` : ''}`,
  'contact.preferences_changed': (p) => `recorded preference choices of ${contact(p.e)}: ${list(p.d.choices)}`,
  'contact.whatsapp_marketing_stopped': (p) => `noted that ${contact(p.e)} stopped marketing messages in WhatsApp`,
  'contact.whatsapp_marketing_resumed': (p) => `noted that ${contact(p.e)} resumed marketing messages in WhatsApp`,
  'contacts.exported': () => 'exported contacts',
  'attribute.defined': (p) => `defined the attribute ${quoted(p.d.key, '')} (${str(p.d.type)})`,
  'import.created': (p) => `started ${p.d.dry_run === true ? 'a dry run of ' : ''}an import${p.d.filename ? ` of ${str(p.d.filename)}` : ''}`,
  'import.completed': importSentence,
  'import.failed': (p) => `saw an import fail after ${plural(p.d.rows, 'row')}: ${str(p.d.failure)}`,
  'suppressions.imported': (p) => `imported ${plural(p.d.added, 'number')} into the suppression list`,
  'suppressions.exported': () => 'exported the suppression list',
  'suppressions.canonicalized': () => 'brought the suppression list to one form per number',
  'topic.created': (p) => `created the topic ${quoted(topicName(p.names, p.d.key), '')}`,
  'topic.updated': (p) => `changed a topic (${list(p.d.fields)})`,
  'broadcast.created': (p) => `created a broadcast${p.d.template ? ` with the template ${quoted(p.d.template, '')}` : ''}${p.d.topic ? ` to ${topicName(p.names, p.d.topic)}` : ''}`,
  'broadcast.updated': (p) => `edited a broadcast draft (${list(p.d.fields)})`,
  'broadcast.scheduled': (p) => `scheduled a broadcast${p.d.at ? ` for ${new Date(str(p.d.at)).toLocaleString()}` : ''}`,
  'broadcast.started': (p) => `started a broadcast${typeof p.d.planned === 'number' ? ` to ${plural(p.d.planned, 'recipient')}` : ''}`,
  'broadcast.paused': () => 'paused a broadcast',
  'broadcast.resumed': () => 'resumed a broadcast',
  'broadcast.cancelled': () => 'cancelled a broadcast',
  'broadcast.ab_winner_picked': (p) => `picked variant ${String(p.d.winner ?? '?')} as the A/B test winner${p.d.overridden ? ' (over the leader)' : ''} and sent it to the rest`,
  'broadcast.resent_failed': (p) => `resent a broadcast to ${plural(p.d.requeued, 'recipient')} whose send had failed`,
  'broadcast.deleted': () => 'deleted a broadcast draft',
  'broadcast.test_sent': (p) => `sent a broadcast test to ${plural(p.d.recipients, 'number')}`,
  'broadcast.recipients_exported': () => "exported a broadcast's recipients",
  'template.created': (p) => `created the template ${quoted(p.d.name, '')}${p.d.language ? ` (${str(p.d.language)})` : ''}`,
  'template.deleted': (p) => `deleted the template ${quoted(p.d.name, '')}`,
  'templates.synced': () => 'synced templates from Meta',
  'segment.created': (p) => `created a ${str(p.d.kind) || ''} segment`.replace('  ', ' '),
  'segment.updated': (p) => `changed a segment (${list(p.d.fields)})`,
  'segment.deleted': () => 'deleted a segment',
  'segment.members_added': (p) => `added ${plural(p.d.added, 'contact')} to a list`,
  'segment.members_removed': (p) => `removed ${plural(p.d.removed, 'contact')} from a list`,
  'automation.created': (p) => `created the automation ${quoted(p.d.name, '')}`,
  'automation.updated': () => 'edited an automation',
  'automation.published': (p) => `published an automation${p.d.version ? ` (version ${str(p.d.version)})` : ''}`,
  'automation.paused': () => 'paused an automation',
  'automation.resumed': () => 'resumed an automation',
  'automation.archived': () => 'archived an automation',
  'automation.enrolled': (p) => `enrolled ${plural(p.d.enrolled, 'contact')} in an automation`,
  'automation.test_run': () => 'test-ran an automation',
  'optin_source.created': (p) => `created a ${str(p.d.kind)} opt-in source${p.d.keyword ? ` with the keyword ${str(p.d.keyword)}` : ''}`,
  'optin_source.updated': (p) => `changed an opt-in source (${list(p.d.fields)})`,
  'optin_source.logo_set': (p) => `uploaded a logo for a sign-up page (${str(p.d.content_type)})`,
  'optin_source.logo_removed': () => 'removed the logo of a sign-up page',
  'optin_source.published': (p) => `published the ${str(p.d.kind)} opt-in source${p.d.slug ? ` ${str(p.d.slug)}` : ''}`,
  'opt_out_review.opt_out': (p) => `settled a review as an opt-out for ${contact(p.e)}`,
  'opt_out_review.dismiss': (p) => `dismissed a review note about ${contact(p.e)}`,
  'phone_number.connected': (p) => `connected the number ${str(p.d.display_number)}`,
  'phone_number.updated': (p) => `changed a number's settings${list(p.d.secrets_rotated) ? ` (new ${list(p.d.secrets_rotated)})` : ''}`,
  'phone_number.disconnected': (p) => `disconnected the number ${str(p.d.display_number)}`,
  'phone_number.health_refreshed': (p) => `refreshed a number's health${p.d.quality_rating ? ` (quality ${str(p.d.quality_rating)})` : ''}`,
  'message.sent': () => 'sent a message',
  'message.template_sent': (p) => `sent the template ${quoted(p.d.template, '')}`,
  'conversation.assigned': () => 'assigned a conversation',
  'conversation.closed': () => 'closed a conversation',
  'conversation.state_changed': (p) => `marked a conversation ${str(p.d.state)}`,
  'canned_reply.created': (p) => `added the canned reply ${str(p.d.shortcut)}`,
  'canned_reply.updated': () => 'edited a canned reply',
  'canned_reply.deleted': (p) => `deleted the canned reply ${str(p.d.shortcut)}`,
  'inbox.routing_changed': (p) => `turned round-robin routing ${p.d.round_robin === true ? 'on' : 'off'}`,
  'inbox.availability_changed': (p) => `became ${p.d.available === true ? 'available' : 'away'} in the inbox`,
  'inbox_team.created': (p) => `created the inbox team ${quoted(p.d.name, '')}`,
  'inbox_team.updated': () => 'renamed an inbox team',
  'inbox_team.members_changed': () => "changed an inbox team's members",
  'inbox_team.deleted': (p) => `deleted the inbox team ${quoted(p.d.name, '')}`,
  'auto_replies.updated': (p) => `turned auto-replies ${p.d.enabled === false ? 'off' : 'on'}`,
  'business_hours.updated': () => 'changed the business hours',
  'shop.connected': (p) => `connected the shop ${quoted(p.d.name, '')}`,
  'shop.disconnected': () => 'disconnected a shop',
  'shop.redacted': (p) => `erased the ${str(p.d.events) || '0'} events the shop ${quoted(p.d.name, '')} sent, and the shop, at its request`,
  'shop.data_requested': (p) => `passed on the shop ${quoted(p.d.shop, '')}'s request for a customer's data${p.d.request_id ? ` (request ${str(p.d.request_id)})` : ''}: export it from the contact's page`,
  'webhook_endpoint.created': (p) => `added the webhook ${str(p.d.url)}`,
  'webhook_endpoint.updated': () => 'changed a webhook',
  'webhook_endpoint.secret_rotated': () => "rotated a webhook's secret",
  'webhook_endpoint.deleted': (p) => `removed the webhook ${str(p.d.url)}`,
  'webhook_endpoint.disabled': (p) => `disabled the webhook ${str(p.d.url)} after 24 hours of failures`,
  'webhook_delivery.replayed': () => 'replayed a webhook delivery',
  'lifecycle.run_finished': () => 'recomputed lifecycle stages',
  'hygiene.run_finished': () => 'ran list hygiene',
};

/** Every action with its own sentence (the rest get the generic one). */
export const KNOWN_ACTIONS: readonly string[] = Object.keys(PREDICATES);

/** The entry as a sentence, without its time: known actions read naturally, others generically. */
export function auditSentence(e: AuditEntry, names: AuditNames): string {
  const p: Parts = { e, d: e.details, names };
  const predicate = PREDICATES[e.action];
  if (e.action.startsWith('consent.') && predicate) return predicate(p);
  if (predicate) return `${actorLabel(e)} ${predicate(p)}`;
  const target = e.target_name ?? e.target_type.replace(/_/g, ' ');
  return `${actorLabel(e)}: ${e.action.replace(/[._]/g, ' ')} (${target})`;
}

/** "14:02" in the viewer's zone: the end of each sentence ("… at 14:02"). */
export function clockTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}
