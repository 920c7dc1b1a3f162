// Compiles a validated segment tree to a parameterised SQL predicate over `contacts c`; conditions
// on other tables are EXISTS subqueries on the contact's id. Pure: no I/O. Every value the client
// sent is a bind parameter; only names from the language's own tables become SQL text.
import { param, sql, type SQL } from 'drizzle-orm';
import { consentRecordedSet, consentStatusSet } from '../consent/index.js';
import { addDays, localMidnight, todayIn } from './segment-dates.js';
import { compileDateAttribute, compileScalar, holdsForMissing, holdsForMissingText, tagPredicate } from './segment-sql-scalar.js';
import { complementPredicate, countedBy, countedOutside, isNeverNull, markComplementOf, nn, setOf, setPredicate } from './segment-sql-sets.js';
import { rulesError, type CondValue, type SegmentNode, type ValueType } from './segments.rules.js';

export { holdsForMissing } from './segment-sql-scalar.js';
export { idSetOf, complementSetOf } from './segment-sql-sets.js';

/** What compiling needs besides the tree: who, when, where, and the resolved references. */
export interface CompileEnv {
  workspaceId: string;
  zone: string;
  now: Date;
  topicIds: Map<string, string>;
  /** Saved segments referenced by the tree (and by theirs), already parsed. */
  segments: Map<string, { kind: 'dynamic' | 'static'; node: SegmentNode | null }>;
}

/** The predicate over `contacts c`. */
export interface CompiledRules {
  where: SQL;
}

/** Compiles a tree; `{ all: [] }`-free input is guaranteed by the parser. */
export function compileSegmentRules(node: SegmentNode, env: CompileEnv): CompiledRules {
  return { where: compileNode(node, { ...env, today: todayIn(env.zone, env.now) }, []) };
}

type Env = CompileEnv & { today: string };

function compileNode(node: SegmentNode, env: Env, stack: string[]): SQL {
  switch (node.kind) {
    case 'all':
    case 'any': {
      let parts = node.children.map((c) => compileNode(c, env, stack));
      if (node.kind === 'all') parts = mergeEngagementSets(parts, env);
      if (parts.length === 1) return parts[0]!;
      const joined = sql`(${sql.join(parts, node.kind === 'all' ? sql` and ` : sql` or `)})`;
      return parts.every(isNeverNull) ? nn(joined) : joined;
    }
    case 'not': {
      const inner = compileNode(node.child, env, stack);
      // coalesce: a NULL inside must not make the complement NULL too (exact complement).
      const negated = nn(isNeverNull(inner) ? sql`(not ${inner})` : sql`(not coalesce(${inner}, false))`);
      const set = setOf(inner);
      if (set) markComplementOf(negated, set);
      return negated;
    }
    case 'field':
      return compileField(node.field, node.type, node.op, node.value, env);
    case 'attribute':
      return compileAttribute(node.key, node.type, node.op, node.value, env);
    case 'consent':
      return compileConsent(node, env);
    case 'event':
      return compileEvent(node, env);
    case 'broadcast':
      return compileBroadcast(node, env);
    case 'segment':
      return compileSegmentRef(node, env, stack);
  }
}

const CONTACT_COLUMNS: Record<string, SQL> = {
  name: sql`c.name`,
  phone: sql`c.phone`,
  country: sql`c.country`,
  timezone: sql`c.timezone`,
  language: sql`c.language`,
  tags: sql`c.tags`,
  created_at: sql`c.created_at`,
};

// The stage lives in the lifecycle module's narrow table; a contact without a row is 'new' and never changed stage.
const LIFECYCLE_COLUMNS: Record<string, { col: SQL; missing: string | null }> = {
  lifecycle_stage: { col: sql`lc.stage`, missing: 'new' },
  lifecycle_changed_at: { col: sql`lc.changed_at`, missing: null },
};

// Engagement lives in its own table, one row per contact that has any. Counts are never NULL in
// a row (a contact without a row has 0); rates are NULL until something was received.
const ENGAGEMENT_COLUMNS: Record<string, { col: SQL; missing: number | null }> = {
  last_inbound_at: { col: sql`e.last_inbound_at`, missing: null },
  last_read_at: { col: sql`e.last_read_at`, missing: null },
  last_click_at: { col: sql`e.last_click_at`, missing: null },
  last_sent_at: { col: sql`e.last_sent_at`, missing: null },
  last_delivered_at: { col: sql`e.last_delivered_at`, missing: null },
  first_purchase_at: { col: sql`e.first_purchase_at`, missing: null },
  last_purchase_at: { col: sql`e.last_purchase_at`, missing: null },
  last_engaged_at: { col: sql`e.last_engaged_at`, missing: null },
  received_30d: { col: sql`e.received_30d`, missing: 0 },
  read_30d: { col: sql`e.read_30d`, missing: 0 },
  replied_30d: { col: sql`e.replied_30d`, missing: 0 },
  received_90d: { col: sql`e.received_90d`, missing: 0 },
  read_90d: { col: sql`e.read_90d`, missing: 0 },
  replied_90d: { col: sql`e.replied_90d`, missing: 0 },
  purchases_count: { col: sql`e.purchases_count`, missing: 0 },
  purchases_total: { col: sql`e.purchases_total`, missing: 0 },
  read_rate_90d: { col: sql`(case when e.received_90d > 0 then e.read_90d::numeric / e.received_90d end)`, missing: null },
  reply_rate_90d: { col: sql`(case when e.received_90d > 0 then e.replied_90d::numeric / e.received_90d end)`, missing: null },
};

function compileField(field: string, type: ValueType, op: string, value: CondValue, env: Env): SQL {
  if (field === 'unreachable') {
    const col = sql`(c.unreachable_at is not null)`;
    if (op === 'exists') return sql`true`;
    if (op === 'not_exists') return sql`false`;
    return op === 'eq' ? sql`${col} = ${value as boolean}` : sql`${col} <> ${value as boolean}`;
  }
  if (field.startsWith('engagement.')) {
    return compileEngagement(ENGAGEMENT_COLUMNS[field.slice('engagement.'.length)]!, type, op, value, env);
  }
  const stage = LIFECYCLE_COLUMNS[field];
  if (stage) return compileLifecycle(stage, type, op, value, env);
  const col = CONTACT_COLUMNS[field]!;
  if (type === 'tags') return compileTags(col, op, value, env);
  return compileScalar(col, type, op, value, env);
}

/**
 * An engagement condition as a set: EXISTS a row satisfying it, or, when the condition also holds
 * for contacts without a row ("not read in 60 days" includes "never"), NOT EXISTS a row that fails
 * it. Either way PostgreSQL plans a semi- or anti-join on the primary key instead of joining every
 * contact to its engagement row.
 */
function compileEngagement(c: { col: SQL; missing: number | null }, type: ValueType, op: string, value: CondValue, env: Env): SQL {
  const cond = compileScalar(c.col, type, op, value, env);
  if (holdsForMissing(c.missing, type, op, value)) {
    return complementPredicate(
      sql`not exists (select 1 from contact_engagement e where e.contact_id = c.id and not coalesce(${cond}, false))`,
      sql`select e.contact_id from contact_engagement e where e.workspace_id = ${env.workspaceId} and not coalesce(${cond}, false)`,
    );
  }
  return engagementSet(cond, env);
}

/**
 * A lifecycle condition as a set on `contact_lifecycle`, like engagement: EXISTS a row satisfying
 * it, or NOT EXISTS a row failing it when it also holds for a contact without a row ('new').
 */
function compileLifecycle(c: { col: SQL; missing: string | null }, type: ValueType, op: string, value: CondValue, env: Env): SQL {
  const cond = compileScalar(c.col, type, op, value, env);
  const holds = c.missing === null ? holdsForMissing(null, type, op, value) : holdsForMissingText(c.missing, op, value);
  if (holds) {
    return complementPredicate(
      sql`not exists (select 1 from contact_lifecycle lc where lc.contact_id = c.id and not coalesce(${cond}, false))`,
      sql`select lc.contact_id from contact_lifecycle lc where lc.workspace_id = ${env.workspaceId} and not coalesce(${cond}, false)`,
    );
  }
  return setPredicate({
    ids: sql`select lc.contact_id from contact_lifecycle lc where lc.workspace_id = ${env.workspaceId} and ${cond}`,
    exists: sql`exists (select 1 from contact_lifecycle lc where lc.contact_id = c.id and ${cond})`,
  });
}

// Positive engagement conditions, remembered so that several under one `all` read the row once.
const engagementCondOf = new WeakMap<SQL, SQL>();

function engagementSet(cond: SQL, env: Env): SQL {
  const q = setPredicate({
    ids: sql`select e.contact_id from contact_engagement e where e.workspace_id = ${env.workspaceId} and ${cond}`,
    exists: sql`exists (select 1 from contact_engagement e where e.contact_id = c.id and ${cond})`,
  });
  engagementCondOf.set(q, cond);
  return q;
}

/** "read rate ≥ 0.5 and received ≥ 3" is one lookup of one engagement row, not two semi-joins. */
function mergeEngagementSets(parts: SQL[], env: Env): SQL[] {
  const conds = parts.flatMap((p) => engagementCondOf.get(p) ?? []);
  if (conds.length < 2) return parts;
  return [engagementSet(sql`(${sql.join(conds, sql` and `)})`, env), ...parts.filter((p) => !engagementCondOf.has(p))];
}

function compileTags(col: SQL, op: string, value: CondValue, env: Env): SQL {
  const q = nn(tagPredicate(col, op, value));
  // The predicate stays on c.tags (GIN) inside bigger rules; alone, it is counted from contact_tags.
  return op === 'not_contains' ? countedOutside(q, tagIds('contains', value, env)) : countedBy(q, tagIds(op, value, env));
}

/**
 * The contacts having tags, from contact_tags (kept equal to contacts.tags by triggers): an
 * index-only scan of the matching entries instead of a visit to every matching contact row.
 */
function tagIds(op: string, value: CondValue, env: Env): SQL | undefined {
  const base = sql`select ct.contact_id from contact_tags ct where ct.workspace_id = ${env.workspaceId}`;
  switch (op) {
    case 'contains':
      return sql`${base} and ct.tag = ${value as string}::text`;
    case 'contains_any':
      return sql`select distinct x.contact_id from (${base} and ct.tag = any(${param(value as string[])}::text[])) x`;
    case 'contains_all': {
      // A contact has each tag once (primary key), so "all of n distinct tags" is "n rows".
      const tags = [...new Set(value as string[])];
      if (tags.length === 0) return undefined;
      return sql`${base} and ct.tag = any(${param(tags)}::text[]) group by ct.contact_id having count(*) = ${tags.length}`;
    }
  }
  return undefined;
}

/** Custom attributes: equality through the GIN index (`@>`), everything else on the typed value. */
function compileAttribute(key: string, type: ValueType, op: string, value: CondValue, env: Env): SQL {
  const contains = (v: unknown): SQL => nn(sql`c.attributes @> ${JSON.stringify({ [key]: v })}::jsonb`);
  const raw = sql`(c.attributes ->> ${key})`;
  if (op === 'exists') return sql`(c.attributes -> ${key}) is not null and jsonb_typeof(c.attributes -> ${key}) <> 'null'`;
  if (op === 'not_exists') return sql`((c.attributes -> ${key}) is null or jsonb_typeof(c.attributes -> ${key}) = 'null')`;
  if (type === 'text' || type === 'number' || type === 'boolean') {
    if (op === 'eq') return contains(value);
    if (op === 'neq') return nn(sql`not (${contains(value)})`);
    if (op === 'in') return nn(sql`(${sql.join((value as unknown[]).map(contains), sql` or `)})`);
    if (op === 'not_in') return nn(sql`not (${sql.join((value as unknown[]).map(contains), sql` or `)})`);
  }
  if (type === 'text') return compileScalar(raw, 'text', op, value, env);
  if (type === 'number') {
    // Values are type-checked on write; the guard keeps one odd legacy value from failing the query.
    const num = sql`(case when jsonb_typeof(c.attributes -> ${key}) = 'number' then (c.attributes ->> ${key})::numeric end)`;
    return compileScalar(num, 'number', op, value, env);
  }
  if (type === 'date') return compileDateAttribute(raw, op, value, env);
  throw rulesError('rules', `operator ${op} is not supported for ${type} attributes`);
}

function compileConsent(node: Extract<SegmentNode, { kind: 'consent' }>, env: Env): SQL {
  const topicId = env.topicIds.get(node.topic);
  if (!topicId) throw rulesError(`${node.path}.consent.topic`, `${JSON.stringify(node.topic)} is not a topic key of this workspace`);
  if (node.status === 'none') {
    const recorded = consentRecordedSet(sql`c.id`, env.workspaceId, topicId);
    return complementPredicate(sql`not ${recorded.exists}`, recorded.ids);
  }
  const since = node.inLastDays !== null ? localMidnight(addDays(env.today, 1 - node.inLastDays), env.zone) : null;
  return setPredicate(consentStatusSet(sql`c.id`, { workspaceId: env.workspaceId, topicId, status: node.status, sources: node.sources, since }));
}

function compileEvent(node: Extract<SegmentNode, { kind: 'event' }>, env: Env): SQL {
  const conds: SQL[] = [sql`ev.workspace_id = ${env.workspaceId}`, sql`ev.type = ${node.type}`];
  if (node.product) conds.push(sql`ev.products @> array[${node.product}]::text[]`);
  if (node.properties) conds.push(sql`ev.properties @> ${JSON.stringify(node.properties)}::jsonb`);
  if (node.withinDays !== null) conds.push(sql`ev.occurred_at >= ${localMidnight(addDays(env.today, 1 - node.withinDays), env.zone).toISOString()}::timestamptz`);
  const having: SQL[] = [];
  if (node.minCount > 1) having.push(sql`count(*) >= ${node.minCount}`);
  if (node.maxCount !== null) having.push(sql`count(*) <= ${node.maxCount}`);
  if (node.minAmount !== null) having.push(sql`coalesce(sum(ev.amount), 0) >= ${node.minAmount}::numeric`);
  const where = sql.join(conds, sql` and `);
  if (having.length === 0) {
    return setPredicate({ ids: sql`select distinct ev.contact_id from contact_events ev where ${where}`, exists: sql`exists (select 1 from contact_events ev where ev.contact_id = c.id and ${where})` });
  }
  // Aggregated once for the workspace, then joined: a per-contact correlated aggregate would run a million times.
  const grouped = sql`select ev.contact_id from contact_events ev where ${where} group by ev.contact_id having ${sql.join(having, sql` and `)}`;
  return setPredicate({ ids: grouped, exists: sql`exists (select 1 from (${grouped}) g where g.contact_id = c.id)` });
}

function compileBroadcast(node: Extract<SegmentNode, { kind: 'broadcast' }>, env: Env): SQL {
  const base = sql`m.workspace_id = ${env.workspaceId} and m.broadcast_id = ${node.id}::uuid and m.direction = 'out' and m.contact_id is not null`;
  let ids: SQL;
  switch (node.interaction) {
    case 'sent':
      ids = sql`select distinct m.contact_id from messages m where ${base}`;
      break;
    case 'received':
      ids = sql`select distinct m.contact_id from messages m where ${base} and m.status_rank >= 3`;
      break;
    case 'read':
      ids = sql`select distinct m.contact_id from messages m where ${base} and m.status_rank >= 4`;
      break;
    case 'not_read':
      ids = sql`select m.contact_id from messages m where ${base} group by m.contact_id having max(m.status_rank) < 4`;
      break;
    case 'replied':
      // A reply is any inbound message from the person within 72 hours of the broadcast message.
      // WhatsApp timestamps are whole seconds, so a reply in the same second as the send counts.
      ids = sql`select distinct m.contact_id from messages m where ${base} and exists (select 1 from messages r where r.workspace_id = m.workspace_id
        and r.contact_id = m.contact_id and r.direction = 'in' and r.sent_at >= date_trunc('second', m.sent_at) and r.sent_at <= m.sent_at + interval '72 hours')`;
      break;
    case 'clicked':
      // Tracked links record the first click on the broadcast's recipient row.
      ids = sql`select br.contact_id from broadcast_recipients br where br.broadcast_id = ${node.id}::uuid and br.workspace_id = ${env.workspaceId} and br.clicked_at is not null`;
      break;
    case 'opted_out':
      // An opt-out within 72 hours after the broadcast message is credited to it.
      ids = sql`select br.contact_id from broadcast_recipients br where br.broadcast_id = ${node.id}::uuid and br.workspace_id = ${env.workspaceId} and br.opted_out_at is not null`;
      break;
  }
  return setPredicate({ ids, exists: sql`exists (select 1 from (${ids}) b where b.contact_id = c.id)` });
}

function compileSegmentRef(node: Extract<SegmentNode, { kind: 'segment' }>, env: Env, stack: string[]): SQL {
  if (stack.includes(node.id)) throw rulesError(`${node.path}.segment`, 'segments refer to each other in a loop');
  const seg = env.segments.get(node.id);
  if (!seg) throw rulesError(`${node.path}.segment`, 'no saved segment or list with this id');
  if (seg.kind === 'static') {
    return setPredicate({
      ids: sql`select sm.contact_id from segment_members sm where sm.segment_id = ${node.id}::uuid and sm.workspace_id = ${env.workspaceId}`,
      exists: sql`exists (select 1 from segment_members sm where sm.segment_id = ${node.id}::uuid and sm.contact_id = c.id)`,
    });
  }
  if (stack.length >= 3) throw rulesError(`${node.path}.segment`, 'segments nest more than 3 levels deep');
  return compileNode(seg.node!, env, [...stack, node.id]);
}
