// The analytics module: reports over what happens to a list. List health (growth by source, topic
// and number; opt-out reasons and the messages credited with opt-outs) is read from rollups kept
// current from the consent ledger (growth.rollup.ts), never from the ledger per request. The
// engagement heatmap (best send time) is one grouped query over the period's sends.
// What messages cost (estimate against Meta's pricing) is read from a rollup the `messages` triggers feed.
export { rollUpGrowth, rollUpAllGrowth, vacuumGrowthDeltas, OPT_OUT_CREDIT_HOURS, GROWTH_BATCH } from './growth.rollup.js';
export { getGrowth, growthCsvRows } from './growth.service.js';
export { getOptOuts, optOutCsvRows, OPT_OUTS_CSV_HEADER, NO_REASON } from './opt-outs.service.js';
export { growthQuery, optOutsQuery, growthOut, optOutsOut, GROWTH_MAX_DAYS } from './growth.schemas.js';
export type { GrowthOut, OptOutsOut, GrowthQuery, OptOutsQuery } from './growth.schemas.js';
export { getHeatmap, heatmapCsvRows, HEATMAP_CSV_HEADER } from './heatmap.service.js';
export { heatmapQuery, heatmapOut, BEST_HOUR_MIN_SENDS, WEEKDAYS } from './heatmap.schemas.js';
export type { HeatmapOut, HeatmapQuery, HeatmapCell } from './heatmap.schemas.js';
export { rollUpCosts, rollUpAllCosts, COST_BATCH } from './cost.rollup.js';
export { getCost, costCsvRows, COST_CSV_HEADER } from './cost.service.js';
export { costQuery, costOut, COST_MAX_MONTHS } from './cost.schemas.js';
export type { CostOut, CostQuery } from './cost.schemas.js';
export { getLifecycleReport, lifecycleCsvRows, LIFECYCLE_CSV_HEADER } from './lifecycle-report.service.js';
export { lifecycleReportQuery, lifecycleReportOut } from './lifecycle-report.schemas.js';
export type { LifecycleReportOut, LifecycleReportQuery } from './lifecycle-report.schemas.js';
export { getCohorts, cohortsCsvRows, COHORTS_CSV_HEADER } from './cohorts.service.js';
export { cohortsQuery, cohortsOut, COHORTS_MAX_MONTHS, COHORT_OFFSETS } from './cohorts.schemas.js';
export type { CohortsOut, CohortsQuery } from './cohorts.schemas.js';
export { getBreakdown, breakdownCsvRows, BREAKDOWN_CSV_HEADER } from './breakdowns.service.js';
export { breakdownQuery, breakdownOut, BREAKDOWNS } from './breakdowns.schemas.js';
export type { Breakdown, BreakdownOut, BreakdownQuery } from './breakdowns.schemas.js';
