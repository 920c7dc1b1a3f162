// Conditions as sets of contact ids. A compiled rule is a predicate on `contacts c`; these maps
// remember, for predicates that are one set (or the complement of one), the query listing its ids,
// so a rule that is only that condition is counted from an index instead of visiting every contact.
import type { SQL } from 'drizzle-orm';

// Predicates known never to be NULL. `not` over them is a plain NOT, which lets PostgreSQL plan
// NOT EXISTS as an anti-join; anything else is wrapped in coalesce so NOT stays an exact complement.
const NEVER_NULL = new WeakSet<SQL>();
export const nn = (q: SQL): SQL => {
  NEVER_NULL.add(q);
  return q;
};

/** Whether a predicate is known never to be NULL (so NOT over it needs no coalesce). */
export const isNeverNull = (q: SQL): boolean => NEVER_NULL.has(q);

/**
 * Conditions on other tables ("has granted consent", "bought X twice", "read broadcast B",
 * "is on list L") are sets of contact ids. Each compiles to EXISTS against its table: a semi-join
 * when it is true, an anti-join under NOT. `setOf` gives the same set as a query of contact ids,
 * which lets a rule that is only this condition be counted from its index alone.
 */
export interface IdSet {
  /** `select <contact id> from … where …` (one row per contact, or `distinct` when needed). */
  ids: SQL;
  /** The EXISTS predicate on `c`. */
  exists: SQL;
}

const setOfNode = new WeakMap<SQL, IdSet>();
export function setPredicate(set: IdSet): SQL {
  const q = nn(set.exists);
  setOfNode.set(q, set);
  return q;
}

/** When a compiled rule is a single set condition, the query listing its contact ids. */
export function idSetOf(where: SQL): SQL | undefined {
  return setOfNode.get(where)?.ids;
}

// "Not in set S": counted as all contacts minus |S|, two index-only counts instead of an anti-join over every contact.
const complementOfNode = new WeakMap<SQL, IdSet>();
export function complementPredicate(notExists: SQL, ids: SQL): SQL {
  const q = nn(notExists);
  complementOfNode.set(q, { ids, exists: notExists });
  return q;
}

/** When a compiled rule is "not in one set", the query listing the ids of that set. */
export function complementSetOf(where: SQL): SQL | undefined {
  return complementOfNode.get(where)?.ids;
}

/** The set a predicate stands for, if it is one. */
export function setOf(q: SQL): IdSet | undefined {
  return setOfNode.get(q);
}

/** Records that `q` is the complement of `set` (a negated set condition). */
export function markComplementOf(q: SQL, set: IdSet): void {
  complementOfNode.set(q, set);
}

/**
 * A predicate on `contacts c` that, when it is the whole rule, is counted as the set `ids` instead
 * (`countedOutside`: as all contacts minus that set). The predicate itself is what bigger rules use.
 */
export function countedBy(q: SQL, ids: SQL | undefined): SQL {
  if (ids) setOfNode.set(q, { ids, exists: q });
  return q;
}

export function countedOutside(q: SQL, ids: SQL | undefined): SQL {
  if (ids) complementOfNode.set(q, { ids, exists: q });
  return q;
}
