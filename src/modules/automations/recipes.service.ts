// The recipe gallery and creating a draft automation from a recipe.
import { z } from 'zod';
import { AppError, notFound } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { defineAttribute, listAttributes } from '../contacts/index.js';
import { createAutomation } from './automations.service.js';
import type { AutomationOut } from './automations.schemas.js';
import { RECIPES } from './recipes.js';

const templateRef = z.strictObject({ name: z.string().min(1).max(512), language: z.string().min(2).max(15), variables: z.record(z.string(), z.unknown()).optional() });

/** What creating from a recipe takes: a name, the topic, a template per slot, and its number of days. */
export const fromRecipeIn = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  topic: z.string().min(1).max(64),
  templates: z.record(z.string(), templateRef).optional().describe('a template for each of the recipe\'s slots, e.g. { "welcome": { "name": "welcome_1", "language": "en_US" } }'),
  days: z.int().min(1).max(365).optional().describe('the recipe\'s main delay, where it has one'),
});

export const recipeOut = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  slots: z.array(z.object({ key: z.string(), label: z.string() })),
  attributes: z.array(z.object({ key: z.string(), type: z.string() })),
});

/** The gallery: every recipe with the templates and attributes it needs. */
export function listRecipes(): z.infer<typeof recipeOut>[] {
  return RECIPES.map(({ key, name, description, slots, attributes }) => ({ key, name, description, slots, attributes }));
}

/**
 * Creates a draft automation from a recipe: defines the attributes it needs that are missing, fills
 * its template slots, and checks the draft (AUTOMATION_INVALID names each problem).
 */
export async function createFromRecipe(ctx: Ctx, key: string, input: unknown): Promise<AutomationOut> {
  const recipe = RECIPES.find((r) => r.key === key);
  if (!recipe) throw notFound('recipe', key);
  const data = fromRecipeIn.parse(input);
  const missing = recipe.slots.filter((s) => !data.templates?.[s.key]);
  if (missing.length > 0) {
    const problems = missing.map((s) => ({ path: `templates.${s.key}`, problem: `choose the template for "${s.label}" ({ "name", "language" })` }));
    throw new AppError('AUTOMATION_INVALID', `${problems[0]!.path}: ${problems[0]!.problem}`, { path: problems[0]!.path, problem: problems[0]!.problem, problems });
  }
  const defined = new Set((await listAttributes(ctx.db, ctx.workspaceId)).map((a) => a.key));
  for (const a of recipe.attributes) if (!defined.has(a.key)) await defineAttribute(ctx, { key: a.key, type: a.type });
  const definition = recipe.build({ topic: data.topic, templates: data.templates ?? {}, days: data.days });
  return createAutomation(ctx, { name: data.name ?? recipe.name, definition });
}
