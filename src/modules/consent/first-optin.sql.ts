// Where a contact first joined, as an SQL fragment for other modules' grouped reports (the ledger
// stays named only here).
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

const alias = (name: string): SQL => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an SQL alias: ${name}`);
  return sql.raw(name);
};

/**
 * `left join lateral (…) <as> on true` giving the outer contact's first consent grant: `<as>.source_id`
 * (the opt-in source named in its evidence, or NULL) and `<as>.source` (the ledger channel: web_form,
 * import, api…); both NULL when no grant was ever recorded. One probe of consent_events_contact_idx
 * (workspace, contact, id) per contact, sorting only that person's few events.
 */
export function firstOptinJoin(contact: SQLWrapper, workspaceId: string, as = 'first_optin'): SQL {
  const a = alias(as);
  return sql`left join lateral (
      select e.evidence->>'source_id' as source_id, e.source from consent_events e
      where e.workspace_id = ${workspaceId}::uuid and e.contact_id = ${contact} and e.action = 'grant'
      order by e.occurred_at, e.id limit 1) ${a} on true`;
}
