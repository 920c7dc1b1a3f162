import type { AutomationRecipe } from './automations-api';

/** The key of the blank start (one empty step, saved with the step editor). */
export const BLANK = 'blank';

const BLANK_CARD = { key: BLANK, name: 'Blank', description: 'One step to start from; add the rest yourself.' };

/** The starting points of a new automation, as cards: the server's recipes, then a blank one. */
export function AutomationRecipeGallery({ recipes, chosen, onChoose }: { recipes: readonly AutomationRecipe[]; chosen: string | undefined; onChoose: (key: string) => void }) {
  return (
    <fieldset className="builder" data-testid="automation-gallery">
      <legend>Start from</legend>
      <div className="gallery" role="radiogroup" aria-label="Start from">
        {[...recipes, BLANK_CARD].map((r) => (
          <button key={r.key} type="button" role="radio" aria-checked={chosen === r.key} className="preset secondary" onClick={() => onChoose(r.key)}>
            <strong>{r.name}</strong>
            <span className="muted small">{r.description}</span>
          </button>
        ))}
      </div>
    </fieldset>
  );
}
