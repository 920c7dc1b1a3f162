// Lifecycle thresholds: workspace settings over defaults that suit a WhatsApp list. Pure.
import type { WorkspaceSettings } from '../workspaces/index.js';

/** The thresholds the stage rules use (days unless named otherwise). */
export interface LifecycleThresholds {
  onboardingDays: number;
  activeDays: number;
  dormantDays: number;
  reactivatingDays: number;
  loyalMinPurchases: number;
  loyalMinReplies90d: number;
  autoArchive: boolean;
  archiveAfterDays: number;
}

/** Defaults: a fortnight of onboarding, active within a month, dormant after 60 quiet days. */
export const DEFAULT_LIFECYCLE: LifecycleThresholds = {
  onboardingDays: 14,
  activeDays: 30,
  dormantDays: 60,
  reactivatingDays: 14,
  loyalMinPurchases: 3,
  loyalMinReplies90d: 5,
  autoArchive: false,
  archiveAfterDays: 30,
};

/** The workspace's thresholds. Dormancy can never start before activity ends. */
export function lifecycleThresholds(settings: WorkspaceSettings): LifecycleThresholds {
  const l = settings.lifecycle ?? {};
  const activeDays = l.active_days ?? DEFAULT_LIFECYCLE.activeDays;
  return {
    onboardingDays: l.onboarding_days ?? DEFAULT_LIFECYCLE.onboardingDays,
    activeDays,
    dormantDays: Math.max(l.dormant_days ?? DEFAULT_LIFECYCLE.dormantDays, activeDays),
    reactivatingDays: l.reactivating_days ?? DEFAULT_LIFECYCLE.reactivatingDays,
    loyalMinPurchases: l.loyal_min_purchases ?? DEFAULT_LIFECYCLE.loyalMinPurchases,
    loyalMinReplies90d: l.loyal_min_replies_90d ?? DEFAULT_LIFECYCLE.loyalMinReplies90d,
    autoArchive: l.auto_archive ?? DEFAULT_LIFECYCLE.autoArchive,
    archiveAfterDays: l.archive_after_days ?? DEFAULT_LIFECYCLE.archiveAfterDays,
  };
}

/** List-hygiene thresholds. */
export interface HygieneThresholds {
  unreachableAfterFailures: number;
  purgeOptedOutAfterDays: number | null;
}

/** Two "not on WhatsApp" failures in a row retire a number; purging opted-out data is opt-in. */
export function hygieneThresholds(settings: WorkspaceSettings): HygieneThresholds {
  const h = settings.hygiene ?? {};
  return { unreachableAfterFailures: h.unreachable_after_failures ?? 2, purgeOptedOutAfterDays: h.purge_opted_out_after_days ?? null };
}
