import type { SimContext } from './context.js';
import { GraphError } from './graph-errors.js';
import type { FaultEndpoint, FaultRule } from './types.js';

/**
 * The first active fault rule matching this request whose dice roll hits (rules with
 * `remaining` are used up). Dice come from the seeded stream, so a run replays.
 */
export function pickFault(ctx: SimContext, endpoint: FaultEndpoint, phoneNumberId?: string, waId?: string): FaultRule | undefined {
  const now = ctx.clock.now();
  for (const rule of ctx.knobs.faults) {
    if (rule.activeUntil !== undefined && now > rule.activeUntil) continue;
    if (rule.remaining !== undefined && rule.remaining <= 0) continue;
    if (rule.endpoint && rule.endpoint !== 'any' && rule.endpoint !== endpoint) continue;
    if (!rule.endpoint && endpoint !== 'messages') continue;
    if (rule.phoneNumberId && rule.phoneNumberId !== phoneNumberId) continue;
    if (rule.to && rule.to !== waId) continue;
    if (rule.probability !== undefined && !ctx.rng.chance(rule.probability)) continue;
    if (rule.remaining !== undefined) rule.remaining--;
    return rule;
  }
  return undefined;
}

/** True when the rule answers with an error before anything is accepted. */
export function isRejectingFault(rule: FaultRule | undefined): rule is FaultRule & { code: number } {
  return !!rule && rule.code !== undefined && !rule.hang && rule.mode !== 'async' && !rule.acceptFirst;
}

/** The error a fault rule answers with. */
export function faultError(rule: FaultRule): GraphError {
  const code = rule.code ?? 131000;
  if (code === 190) {
    return new GraphError(190, {
      message: 'Error validating access token: Session has expired.',
      subcode: 463,
      noErrorData: true,
    });
  }
  return new GraphError(code);
}

/** Stamps `activeUntil` on rules that carry a duration (kept for rules that already have one). */
export function activateFaults(rules: FaultRule[], now: number): FaultRule[] {
  return rules.map((r) => (r.durationMs !== undefined && r.activeUntil === undefined ? { ...r, activeUntil: now + r.durationMs } : { ...r }));
}
