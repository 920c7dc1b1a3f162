// The broadcasts module: template broadcasts to segments, their plan, the send engine and its results.
export { createBroadcast, updateBroadcast, startBroadcast, changeBroadcastStatus, deleteBroadcast, getBroadcast, listBroadcasts, estimateBroadcast } from './broadcasts.service.js';
export { listRecipients, recipientOutcome, RECIPIENT_FILTERS, broadcastCounts, progressOf, scanCounts, recipientStatusOf } from './progress.service.js';
export { drainFunnelDeltas, drainAllFunnelDeltas, funnelMetrics } from './funnel.service.js';
export { resendFailed, NOT_RESENT_REASONS, type ResendResult } from './resend.service.js';
export { sendBroadcastTest, listBroadcastTests } from './test-send.service.js';
export { startBroadcastDispatcher } from './dispatcher.js';
export type { Dispatcher, DispatcherDeps } from './dispatcher.js';
export { syncRecipientDelivery, noteBroadcastReplies, noteBroadcastOptOut, recordLinkClick, linkSigner, linkToken } from './tracking.service.js';
export { snapshotRecipients, fallbackZoneOf, planBroadcast, EXCLUSION_REASONS, type SnapshotResult } from './plan.service.js';
export { settleExpiredRows, startDueBroadcasts, superviseBroadcasts } from './reconcile.service.js';
export * from './broadcasts.rules.js';
export * from './broadcasts.schemas.js';
export { eraseBroadcastRecipients, mergeBroadcastRecipients } from './erase-merge.service.js';
export { unreadSendsSql } from './unread.service.js';
export type { UnreadSendsQuery } from './unread.service.js';
export { queuedRecipients } from './gauges.service.js';
export { broadcastFunnels, broadcastFunnelsCsv, broadcastRecipientsCsv, revenueText, FUNNEL_CSV_HEADER, RECIPIENTS_CSV_HEADER, type BroadcastFunnelRow, type Funnel } from './funnel-report.service.js';
export { attributeConversions, forgetConversionsOfEvents, conversionsOf, stepConversionsOf, conversionRulesOf, DEFAULT_CONVERSION_WINDOW_DAYS, type Conversions, type Revenue } from './conversions.service.js';
export { pickAbWinner, sweepAbTests } from './ab-test.service.js';
export { abBucket, abGroupOf, twoProportionTest, rankVariants, AB_METRICS } from './ab-test.rules.js';
// A yes/no fact as SQL (the getting-started checklist reads every module's in one statement).
export { hasSentBroadcastSql } from './broadcast-facts.sql.js';
