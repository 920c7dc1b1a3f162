import { useMemo, useState } from 'react';
import type { Role, Workspace } from './api-client';
import { OnboardingChecklist } from './overview-checklist';
import { loadOnboardingFacts, type OnboardingSettings, type StepSection } from './onboarding';
import { BroadcastsCard } from './overview-broadcasts-card';
import { CohortsCard } from './overview-cohorts-card';
import { BreakdownsCard } from './overview-breakdowns-card';
import { CostCard } from './overview-cost-card';
import { lastDays } from './overview-format';
import { GrowthCard } from './overview-growth-card';
import { HeatmapCard } from './overview-heatmap-card';
import { LazyCard } from './overview-lazy-card';
import { LifecycleCard } from './overview-lifecycle-card';
import { NumbersCard } from './overview-numbers-card';
import { OptOutsCard } from './overview-optouts-card';
import { RangePicker, type RangeDays } from './overview-range-picker';
import { useResource, type Resource } from './use-resource';

/** The workspace's time zone setting, else UTC (as the reports use it). */
function zoneOf(settings: Record<string, unknown> | undefined): string {
  const tz = settings?.timezone;
  return typeof tz === 'string' && tz ? tz : 'UTC';
}

/** The first page: the getting-started checklist, then list growth, opt-outs, recent broadcasts' funnels, each number’s health and the best send time over the last 7, 30 or 90 days, what messages cost over the last three months, the lifecycle stages day by day and engagement by opt-in month. */
export function OverviewSection({
  role,
  workspace,
  onOpenBroadcast,
  onOpenSection,
}: {
  role: Role;
  /** The workspace the shell already loaded (its settings name the time zone): asked for once, not twice. */
  workspace: Resource<Workspace>;
  onOpenBroadcast: (id: string) => void;
  onOpenSection: (section: StepSection) => void;
}) {
  const [days, setDays] = useState<RangeDays>(30);
  // Asked for at once, beside the shell's GET /workspace, not once the settings are in: the
  // checklist's one request does not wait a round trip (its answer is unused if the settings hide it).
  const onboardingFacts = useResource(loadOnboardingFacts);
  const timeZone = workspace.data ? zoneOf(workspace.data.settings) : undefined;
  const range = useMemo(() => (timeZone ? lastDays(days, timeZone) : undefined), [days, timeZone]);
  return (
    <section aria-labelledby="overview-title" className="overview">
      <div className="section-head">
        <h2 id="overview-title">Overview</h2>
        <RangePicker value={days} onChange={setDays} />
      </div>
      {workspace.error && (
        <p className="error" role="alert">
          {workspace.error}
        </p>
      )}
      {!range && !workspace.error && <p className="muted">Loading…</p>}
      {workspace.data && (
        <OnboardingChecklist
          facts={onboardingFacts}
          settings={(workspace.data.settings.onboarding ?? {}) as OnboardingSettings}
          canManage={role === 'owner' || role === 'admin'}
          onSettingsSaved={workspace.reload}
          onOpenSection={onOpenSection}
        />
      )}
      {range && timeZone && (
        <div className="overview-grid">
          {/* Each card asks for its report when it scrolls near the screen (LazyCard): the first screen does not wait behind the reports below it. */}
          <LazyCard id="growth" title="List growth" wide>{() => <GrowthCard range={range} />}</LazyCard>
          <LazyCard id="opt-outs" title="Opt-outs">{() => <OptOutsCard range={range} />}</LazyCard>
          <LazyCard id="numbers-health" title="Numbers">{() => <NumbersCard timeZone={timeZone} />}</LazyCard>
          <LazyCard id="broadcast-funnels" title="Recent broadcasts" wide>
            {() => <BroadcastsCard range={range} timeZone={timeZone} onOpenBroadcast={onOpenBroadcast} />}
          </LazyCard>
          <LazyCard id="funnel-breakdowns" title="Funnels compared" wide>{() => <BreakdownsCard range={range} />}</LazyCard>
          <LazyCard id="heatmap" title="Best send time" wide>{() => <HeatmapCard range={range} />}</LazyCard>
          <LazyCard id="cost" title="What messages cost">{() => <CostCard />}</LazyCard>
          <LazyCard id="lifecycle" title="Lifecycle stages">{() => <LifecycleCard range={range} />}</LazyCard>
          <LazyCard id="cohorts" title="Still engaged after opting in">{() => <CohortsCard />}</LazyCard>
        </div>
      )}
    </section>
  );
}
