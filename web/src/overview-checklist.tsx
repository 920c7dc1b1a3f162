import { useState } from 'react';
import { updateWorkspace } from './api-client';
import { onboardingSteps, onlySandbox, type OnboardingFacts, type OnboardingSettings, type StepSection } from './onboarding';
import type { Resource } from './use-resource';

/**
 * The getting-started checklist at the top of the Overview: six steps, each linking to its tab and
 * ticked from real data. "Keep the sandbox" and hiding it are stored in `settings.onboarding`
 * (owners and admins only: others see no button the API would refuse). Its facts are loaded by the
 * Overview, so the request starts together with the workspace's, not after it.
 */
export function OnboardingChecklist({
  facts,
  settings,
  canManage,
  onSettingsSaved,
  onOpenSection,
}: {
  facts: Resource<OnboardingFacts>;
  settings: OnboardingSettings;
  canManage: boolean;
  onSettingsSaved: () => void;
  onOpenSection: (section: StepSection) => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function save(onboarding: OnboardingSettings) {
    setBusy(true);
    setError(undefined);
    try {
      await updateWorkspace({ settings: { onboarding: { ...settings, ...onboarding } } });
      onSettingsSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (settings.hidden) return null;
  const steps = facts.data ? onboardingSteps(facts.data, settings) : [];
  const doneCount = steps.filter((s) => s.done).length;
  const allDone = steps.length > 0 && doneCount === steps.length;
  return (
    <section className="card overview-card wide checklist" aria-labelledby="checklist-title" aria-busy={facts.loading}>
      <div className="section-head">
        <h3 id="checklist-title">{allDone ? 'You are all set' : 'Get started'}</h3>
        {facts.data && (
          <span className="muted" data-testid="checklist-progress">
            {doneCount} of {steps.length} done
          </span>
        )}
      </div>
      {facts.loading && !facts.data && <p className="muted">Loading…</p>}
      {facts.error && (
        <p className="error" role="alert">
          {facts.error}
        </p>
      )}
      <ol className="checklist-steps">
        {steps.map((s) => (
          <li key={s.id} className={s.done ? 'done' : undefined} data-step={s.id} data-done={s.done}>
            <span className="tick" aria-hidden="true">
              {s.done ? '✓' : ''}
            </span>
            <div className="step-text">
              {/* The title opens the step's tab. Its name never repeats a tab's ("Open Templates" would
                  make every "Templates" lookup ambiguous for assistive tech and tests alike). */}
              <button type="button" className="link step-title" onClick={() => onOpenSection(s.section)}>
                {s.title}
              </button>
              <span className="visually-hidden">{s.done ? ' (done)' : ' (to do)'}</span>
              <span className="muted">
                {s.hint} <span className="step-where">In the {s.link} tab.</span>
              </span>
            </div>
            {s.id === 'number' && !s.done && canManage && facts.data && onlySandbox(facts.data) && (
              <div className="step-actions">
                <button type="button" className="secondary small-button" disabled={busy} onClick={() => save({ keep_sandbox: true })}>
                  Keep the sandbox
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {canManage && facts.data && (
        <button type="button" className={allDone ? undefined : 'secondary small-button'} disabled={busy} onClick={() => save({ hidden: true })}>
          {allDone ? 'Dismiss the checklist' : 'Hide this checklist'}
        </button>
      )}
    </section>
  );
}
