import { AUTOMATION_PRESETS, type AutomationPreset } from './automation-presets';

/** The starting points of a new automation, as cards to pick from. */
export function AutomationPresetGallery({ chosen, onChoose }: { chosen: string; onChoose: (p: AutomationPreset) => void }) {
  return (
    <fieldset className="builder">
      <legend>Start from</legend>
      <div className="gallery" role="radiogroup" aria-label="Start from">
        {AUTOMATION_PRESETS.map((p) => (
          <button
            key={p.key}
            type="button"
            role="radio"
            aria-checked={chosen === p.key}
            className="preset secondary"
            onClick={() => onChoose(p)}
          >
            <strong>{p.name}</strong>
            <span className="muted small">{p.description}</span>
          </button>
        ))}
      </div>
    </fieldset>
  );
}
