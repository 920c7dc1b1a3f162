// Each contact's first opt-in, read from the consent ledger here so no other module names it.
import { sql, type SQL } from 'drizzle-orm';

/**
 * A subquery of (contact_id, first_at): every contact of the workspace with at least one grant in
 * the ledger and the time of its earliest grant (any topic, any source). Erased contacts (ledger
 * rows anonymised, contact_id null) are not in it. Reads consent_events_contact_idx.
 */
export function firstGrantsSql(workspaceId: string): SQL {
  return sql`select contact_id, min(occurred_at) as first_at from consent_events
    where workspace_id = ${workspaceId} and action = 'grant' and contact_id is not null
    group by contact_id`;
}
