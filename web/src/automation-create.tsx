import { useState } from 'react';
import type { Automation } from './automations-api';
import { listRecipes } from './automations-api';
import { AutomationEditor } from './automation-editor';
import { AutomationRecipeForm } from './automation-recipe-form';
import { AutomationRecipeGallery, BLANK } from './automation-recipe-gallery';
import { useResource } from './use-resource';

/** A new automation: pick a recipe (then its templates, topic and days) or a blank start (then the step editor). */
export function AutomationCreate({ onSaved, onCancel }: { onSaved: (a: Automation) => void; onCancel: () => void }) {
  const recipes = useResource(listRecipes);
  const [chosen, setChosen] = useState<string>();
  const recipe = recipes.data?.data.find((r) => r.key === chosen);
  return (
    <section aria-label="New automation" data-testid="automation-create">
      {recipes.error && (
        <p className="error" role="alert">
          {recipes.error}
        </p>
      )}
      {recipes.data || recipes.error ? <AutomationRecipeGallery recipes={recipes.data?.data ?? []} chosen={chosen} onChoose={setChosen} /> : <p className="muted">Loading…</p>}
      {chosen === undefined && (
        <div className="row">
          <span className="muted">Choose a starting point: a recipe fills in the steps; you choose its templates.</span>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      )}
      {recipe && <AutomationRecipeForm key={recipe.key} recipe={recipe} onSaved={onSaved} onCancel={onCancel} />}
      {chosen === BLANK && <AutomationEditor onSaved={onSaved} onCancel={onCancel} />}
    </section>
  );
}
