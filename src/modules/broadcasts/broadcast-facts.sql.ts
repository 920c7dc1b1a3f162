// Yes/no facts about a workspace's broadcasts, as SQL for another module's one-statement read.
import { inArray, sql, type SQL } from 'drizzle-orm';
import type { BroadcastStatus } from './broadcasts.rules.js';
import { broadcasts } from './broadcasts.tables.js';

// A broadcast has sent once it left draft/scheduled; a cancelled one may never have sent a message.
const SENT_STATUSES: BroadcastStatus[] = ['sending', 'paused', 'completed'];

/** `exists(...)`: the workspace (a SQL uuid expression) has a broadcast that started sending. */
export function hasSentBroadcastSql(workspaceId: SQL): SQL {
  return sql`exists (select 1 from ${broadcasts} where ${broadcasts.workspaceId} = ${workspaceId} and ${inArray(broadcasts.status, SENT_STATUSES)})`;
}
