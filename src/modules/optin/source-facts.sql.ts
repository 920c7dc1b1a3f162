// Yes/no facts about a workspace's opt-in sources, as SQL for another module's one-statement read.
import { sql, type SQL } from 'drizzle-orm';
import { optinSources } from './optin.tables.js';

/** `exists(...)`: the workspace (a SQL uuid expression) has an `active` opt-in source (one people can join through). */
export function hasActiveSourceSql(workspaceId: SQL): SQL {
  return sql`exists (select 1 from ${optinSources} where ${optinSources.workspaceId} = ${workspaceId} and ${optinSources.status} = 'active')`;
}
