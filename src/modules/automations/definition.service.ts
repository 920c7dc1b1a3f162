// Checking an automation's definition against the workspace: its topic, number, templates and
// their variables, and each branch's segment rules. Every problem is a 422 naming its path.
import { AppError, isAppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { topicsByKeys } from '../consent/index.js';
import { listNumbers } from '../numbers/index.js';
import { listAttributes } from '../contacts/index.js';
import { isPreferenceKeyword, type PreferenceSettings } from '../preferences/index.js';
import { getWorkspaceSettings } from '../workspaces/index.js';
import { getBroadcast } from '../broadcasts/index.js';
import { resolveAudience, segmentAudience } from '../segments/index.js';
import { checkVariableMap, findSendableTemplate, templateDefOf, type VariableMap } from '../templates/index.js';
import { checkGraph, linkIndexesIn, type DefinitionProblem } from './automations.rules.js';
import { definitionIn, type DefinitionIn } from './automations.schemas.js';

/** A definition checked and resolved: what a published version stores. */
export interface ResolvedDefinition {
  definition: DefinitionIn;
  topicId: string;
  topicCategory: string;
  numberId: string;
  /** Template category per send step id (MARKETING templates are marketing; the marketing rule applies). */
  categories: Record<string, string>;
}

const invalid = (problems: DefinitionProblem[]) =>
  new AppError('AUTOMATION_INVALID', `${problems[0]!.path}: ${problems[0]!.problem}`, { path: problems[0]!.path, problem: problems[0]!.problem, problems });

/** Parses and checks a definition; throws AUTOMATION_INVALID (422) listing every problem with its path. */
export async function resolveDefinition(ctx: Ctx, input: unknown): Promise<ResolvedDefinition> {
  const def = definitionIn.parse(input);
  const problems = checkGraph(def.steps);
  if (problems.length > 0) throw invalid(problems.map((p) => ({ ...p, path: `definition.${p.path}` })));
  const [topic] = await topicsByKeys(ctx.db, ctx.workspaceId, [def.topic], 'definition.topic');
  const numberId = await numberOf(ctx, def.number_id);
  const categories: Record<string, string> = {};
  const defs = await listAttributes(ctx.db, ctx.workspaceId);
  const attributes = new Set(defs.map((a) => a.key));
  const trigger = def.trigger;
  if (trigger.type === 'segment') {
    try {
      await segmentAudience(ctx, trigger.segment_id);
    } catch (err) {
      if (!isAppError(err, 'NOT_FOUND')) throw err;
      problems.push({ path: 'definition.trigger.segment_id', problem: 'no saved segment with this id in this workspace (GET /api/v1/segments)' });
    }
  }
  if (trigger.type === 'broadcast_not_read' && trigger.broadcast_id) {
    try {
      await getBroadcast(ctx, trigger.broadcast_id);
    } catch (err) {
      if (!isAppError(err, 'NOT_FOUND')) throw err;
      problems.push({ path: 'definition.trigger.broadcast_id', problem: 'no broadcast with this id in this workspace (GET /api/v1/broadcasts)' });
    }
  }
  if (trigger.type === 'date' && trigger.attribute && defs.find((a) => a.key === trigger.attribute)?.type !== 'date') {
    problems.push({ path: 'definition.trigger.attribute', problem: `"${trigger.attribute}" is not a date attribute; define it with type "date" (POST /api/v1/attributes)` });
  }
  const knownAttribute = (key: string, path: string) => {
    if (!attributes.has(key)) problems.push({ path, problem: `no attribute "${key}"; define it first (POST /api/v1/attributes) so answers are checked against its type` });
  };
  if (trigger.type === 'attribute') knownAttribute(trigger.attribute, 'definition.trigger.attribute');
  if (trigger.type === 'inbound' && trigger.keywords) problems.push(...(await preferenceWordProblems(ctx, trigger.keywords)));
  for (const [i, step] of def.steps.entries()) {
    const path = `definition.steps[${i}]`;
    if (step.type === 'send_template') categories[step.id] = await checkTemplate(ctx, numberId, step.template, `${path}.template`, topic!.category, problems);
    if (step.type === 'send_message' && step.fallback_template) categories[step.id] = await checkTemplate(ctx, numberId, step.fallback_template, `${path}.fallback_template`, topic!.category, problems);
    problems.push(...linkProblems(step, def.links ?? [], path));
    if (step.type === 'wait' && !step.duration && !step.until_time && !step.on_days) problems.push({ path, problem: 'a wait needs a duration, an until_time, on_days, or a mix' });
    if (step.type === 'branch') {
      if (Boolean(step.rules) === Boolean(step.reply)) problems.push({ path, problem: 'a branch tests either segment rules ("rules") or the last reply ("reply"): give exactly one' });
      else if (step.rules) await checkRules(ctx, step.rules, `${path}.rules`, problems);
    }
    if (step.type === 'set_attribute') knownAttribute(step.key, `${path}.key`);
    if (step.type === 'ask') knownAttribute(step.attribute, `${path}.attribute`);
  }
  if (problems.length > 0) throw invalid(problems);
  return { definition: def, topicId: topic!.id, topicCategory: topic!.category, numberId, categories };
}

type TemplateRef = Extract<DefinitionIn['steps'][number], { type: 'send_template' }>['template'];

/** Tracked links a step names (`{ tracked_link: N }`, `{{link:N}}`) that are not in the definition's `links`. */
function linkProblems(step: DefinitionIn['steps'][number], links: string[], path: string): DefinitionProblem[] {
  const missing = (n: number) => links[n] === undefined;
  const fix = `add it to definition.links (${links.length} link${links.length === 1 ? '' : 's'} now: indexes 0–${Math.max(0, links.length - 1)})`;
  const problems: DefinitionProblem[] = [];
  const refs = step.type === 'send_template' ? [['template', step.template] as const] : step.type === 'send_message' && step.fallback_template ? [['fallback_template', step.fallback_template] as const] : [];
  for (const [key, ref] of refs)
    for (const [k, v] of Object.entries(ref.variables ?? {})) if ('tracked_link' in v && missing(v.tracked_link)) problems.push({ path: `${path}.${key}.variables["${k}"]`, problem: `tracked_link ${v.tracked_link} is not in links; ${fix}` });
  if (step.type === 'send_message') for (const n of linkIndexesIn(step.text)) if (missing(n)) problems.push({ path: `${path}.text`, problem: `{{link:${n}}} is not in links; ${fix}` });
  return problems;
}

/** A template reference as the template checks see it: each tracked link as a plain URL value. */
function withPlaceholderLinks(ref: TemplateRef): { name: string; language: string; variables: VariableMap } {
  return { ...ref, variables: Object.fromEntries(Object.entries(ref.variables ?? {}).map(([k, v]) => [k, 'tracked_link' in v ? { value: 'https://example.com/r/a1.1.0.placeholder' } : v])) };
}

/**
 * Keywords that open the preference centre: it answers them in webhook processing (as STOP is
 * answered first), so an automation listening on one would answer the same message a second time.
 */
async function preferenceWordProblems(ctx: Ctx, keywords: string[]): Promise<DefinitionProblem[]> {
  const settings = (await getWorkspaceSettings(ctx.db, ctx.workspaceId)) as { preferences?: PreferenceSettings };
  return keywords.flatMap((k, i) =>
    isPreferenceKeyword(settings, k)
      ? [{ path: `definition.trigger.keywords[${i}]`, problem: `"${k}" opens the preference centre; use another word, or turn it off for this workspace with settings.preferences.disabled_keywords: ["${k.trim().toLowerCase()}"]` }]
      : [],
  );
}

async function numberOf(ctx: Ctx, wanted: string | undefined): Promise<string> {
  const numbers = (await listNumbers(ctx, { limit: 100 })).data;
  const number = wanted ? numbers.find((n) => n.id === wanted) : numbers.length === 1 ? numbers[0] : undefined;
  if (number) return number.id;
  throw invalid([{ path: 'definition.number_id', problem: wanted ? 'no such business number in this workspace' : 'this workspace has several (or no) business numbers; say which one sends (GET /api/v1/phone-numbers)' }]);
}

/** Checks one template reference; returns its category ('' when it could not be found). */
async function checkTemplate(ctx: Ctx, numberId: string, tracked: TemplateRef, path: string, topicCategory: string, problems: DefinitionProblem[]): Promise<string> {
  const ref = withPlaceholderLinks(tracked);
  try {
    const tpl = await findSendableTemplate(ctx, { name: ref.name, language: ref.language, numberId });
    // Why: a marketing template needs marketing consent, never a utility opt-in (as for broadcasts).
    if (tpl.category === 'MARKETING' && topicCategory !== 'marketing') problems.push({ path, problem: `${ref.name} is a MARKETING template but the automation's topic is a ${topicCategory} topic; use a marketing topic` });
    // checkVariableMap names paths from the template object ("template.variables[…]"): re-rooted at this step.
    for (const p of checkVariableMap(templateDefOf(tpl), ref.variables ?? {})) problems.push({ path: `${path}${p.path.replace(/^template/, '')}`, problem: p.problem });
    return tpl.category;
  } catch (err) {
    if (!isAppError(err)) throw err;
    problems.push({ path: `${path}.name`, problem: err.message });
    return '';
  }
}

async function checkRules(ctx: Ctx, rules: unknown, path: string, problems: DefinitionProblem[]): Promise<void> {
  try {
    await resolveAudience(ctx, rules);
  } catch (err) {
    if (!isAppError(err, 'SEGMENT_RULES_INVALID')) throw err;
    const inner = (err.details?.path as string | undefined) ?? 'rules';
    problems.push({ path: `${path}${inner.replace(/^rules/, '')}`, problem: String(err.details?.problem ?? err.message) });
  }
}
