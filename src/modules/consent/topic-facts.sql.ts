// Yes/no facts about a workspace's topics, as SQL for another module's one-statement read.
import { sql, type SQL } from 'drizzle-orm';
import { topics } from './consent.tables.js';

/** `exists(...)`: the workspace (a SQL uuid expression) has a topic. */
export function hasTopicSql(workspaceId: SQL): SQL {
  return sql`exists (select 1 from ${topics} where ${topics.workspaceId} = ${workspaceId})`;
}
