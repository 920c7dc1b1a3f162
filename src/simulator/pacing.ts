import { emitTemplateStatus } from './account-events.js';
import type { NumberState, SimContext } from './context.js';
import { failMessage } from './lifecycle.js';
import type { TemplateRecord } from './templates.js';
import type { SentMessage } from './types.js';

interface PacingState {
  sent: number;
  assessed: boolean;
  held: { n: NumberState; record: SentMessage; release: () => void }[];
}

const pacing = new WeakMap<SimContext, Map<string, PacingState>>();

function stateOf(ctx: SimContext, templateId: string): PacingState {
  let byTemplate = pacing.get(ctx);
  if (!byTemplate) {
    byTemplate = new Map();
    pacing.set(ctx, byTemplate);
  }
  let s = byTemplate.get(templateId);
  if (!s) {
    s = { sent: 0, assessed: false, held: [] };
    byTemplate.set(templateId, s);
  }
  return s;
}

/**
 * Template pacing. Why: Meta sends the first part of a campaign with a new (not yet GREEN)
 * marketing template, holds the rest as `held_for_quality_assessment` until early feedback
 * arrives, then releases them, or pauses the template and fails the held ones with 132015.
 */
export function shouldHold(ctx: SimContext, t: TemplateRecord): boolean {
  const p = ctx.knobs.pacing;
  if (!p.enabled || t.category !== 'MARKETING' || t.qualityScore === 'GREEN') return false;
  const s = stateOf(ctx, t.id);
  if (s.assessed) return false;
  s.sent++;
  return s.sent > p.releaseAfter;
}

/** Holds an accepted message until the template's assessment; `release` plays it out. */
export function holdMessage(ctx: SimContext, t: TemplateRecord, n: NumberState, record: SentMessage, release: () => void): void {
  const s = stateOf(ctx, t.id);
  s.held.push({ n, record, release });
  if (s.held.length > 1) return;
  ctx.schedule(ctx.knobs.pacing.assessAfterMs, () => {
    s.assessed = true;
    const held = s.held.splice(0);
    if (ctx.knobs.pacing.outcome === 'release') {
      for (const h of held) h.release();
      return;
    }
    t.status = 'PAUSED';
    emitTemplateStatus(ctx, t, 'PAUSED', 'NONE', { other_info: { title: 'FIRST_PAUSE', description: 'Your template was paused after early feedback during quality assessment.' } });
    for (const h of held) failMessage(ctx, h.n, h.record, 132015, 'The template was paused during quality assessment; held messages were dropped.');
  });
}
