// Yes/no facts about a workspace's numbers, as SQL for another module's one-statement read.
import { sql, type SQL } from 'drizzle-orm';
import { phoneNumbers } from './numbers.tables.js';

/** `exists(...)`: the workspace (a SQL uuid expression) has a connected number, the sandbox's or a real one as `sandbox` says. */
export function hasNumberSql(workspaceId: SQL, sandbox: boolean): SQL {
  return sql`exists (select 1 from ${phoneNumbers} where ${phoneNumbers.workspaceId} = ${workspaceId} and ${phoneNumbers.isSandbox} = ${sandbox})`;
}
