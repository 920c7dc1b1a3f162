// Yes/no facts about a workspace's templates, as SQL for another module's one-statement read.
import { sql, type SQL } from 'drizzle-orm';
import { templates } from './templates.tables.js';

/** `exists(...)`: the workspace (a SQL uuid expression) has a template that is not DELETED (whatever its review state). */
export function hasTemplateSql(workspaceId: SQL): SQL {
  return sql`exists (select 1 from ${templates} where ${templates.workspaceId} = ${workspaceId} and ${templates.status} <> 'DELETED')`;
}
