// Yes/no facts about a workspace's imports, as SQL for another module's one-statement read.
import { sql, type SQL } from 'drizzle-orm';
import { imports } from './imports.tables.js';

/** `exists(...)`: the workspace (a SQL uuid expression) has a completed import that wrote contacts (a dry run writes none). */
export function hasCompletedImportSql(workspaceId: SQL): SQL {
  return sql`exists (select 1 from ${imports} where ${imports.workspaceId} = ${workspaceId} and ${imports.status} = 'completed' and not ${imports.dryRun})`;
}
