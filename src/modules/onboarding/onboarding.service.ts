import { sql } from 'drizzle-orm';
import { hasSentBroadcastSql } from '../broadcasts/index.js';
import { hasTopicSql } from '../consent/index.js';
import type { Ctx } from '../context.js';
import { hasCompletedImportSql } from '../imports/index.js';
import { hasNumberSql } from '../numbers/index.js';
import { hasActiveSourceSql } from '../optin/index.js';
import { queryRowsOf } from '../sql.js';
import { hasTemplateSql } from '../templates/index.js';
import type { OnboardingOut } from './onboarding.schemas.js';

/**
 * The checklist's facts about the caller's workspace in one statement of `exists` subqueries, each
 * the owning module's fragment. Why one statement: the Overview's first screen waits for it, and on
 * PGlite every request queues on one connection (six list requests used to queue behind each other
 * and the Overview's other cards).
 */
export async function getOnboardingFacts(ctx: Pick<Ctx, 'db' | 'workspaceId'>): Promise<OnboardingOut> {
  const w = sql`${ctx.workspaceId}::uuid`;
  const [row] = await queryRowsOf<OnboardingOut>(
    ctx.db,
    sql`select ${hasNumberSql(w, false)} as real_number, ${hasNumberSql(w, true)} as sandbox_number, ${hasTopicSql(w)} as topic,
               ${hasActiveSourceSql(w)} as active_source, ${hasCompletedImportSql(w)} as completed_import,
               ${hasTemplateSql(w)} as template, ${hasSentBroadcastSql(w)} as sent_broadcast`,
  );
  return row!;
}
