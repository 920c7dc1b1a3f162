// How the lifecycle stages read in the Overview: names in words and one colour each (chart and table agree).
import type { LifecycleStageName } from './lifecycle-api';

/** Each stage in words and its colour in the chart. */
export const STAGE_LOOK: Record<LifecycleStageName, { label: string; color: string }> = {
  new: { label: 'New', color: '#98a2b3' },
  onboarding: { label: 'Onboarding', color: '#5b8def' },
  active: { label: 'Active', color: '#1f8f4e' },
  loyal: { label: 'Loyal', color: '#0b5d33' },
  at_risk: { label: 'At risk', color: '#e3a008' },
  dormant: { label: 'Dormant', color: '#a0672d' },
  reactivating: { label: 'Reactivating', color: '#7c5cc4' },
  churned: { label: 'Churned', color: '#b42318' },
  archived: { label: 'Archived', color: '#475467' },
};
