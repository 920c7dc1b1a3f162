import { eq } from 'drizzle-orm';
import { safeErrorMessage } from '../../../lib/redact.js';
import { SYSTEM_ACTOR } from '../../context.js';
import { phoneHasher } from '../../consent/index.js';
import { credentialsFor, sendRatesOf } from '../../numbers/index.js';
import { compileTemplate, templateDefOf, templatesByIds, type TemplateRow, type VariableMap } from '../../templates/index.js';
import type { BroadcastRow } from '../broadcast-row.js';
import { policyFrom, resolveTrackedLinks, type BroadcastPolicy } from '../broadcasts.rules.js';
import { broadcasts } from '../broadcasts.tables.js';
import type { ActiveBroadcast } from '../claim.service.js';
import { settleExpiredRows, startDueBroadcasts, superviseBroadcasts } from '../reconcile.service.js';
import { linkToken } from '../tracking.service.js';
import { abTestsOf, type StoredVariant } from '../ab-test.service.js';
import { sleep, type DispatchConfig, type DispatcherDeps, type DispatchState, type NumberState } from './state.js';

/** A/B variants with their compiled templates. */
type VariantTemplates = { key: string; t: TemplateRow; variables: Record<string, unknown> }[];

/** The broadcasts now sending with their number's rate and tier and their template(s) (a few statements a tick, none per message). */
async function loadSending(deps: DispatcherDeps): Promise<{ b: BroadcastRow; mps: number; tier: string; t: TemplateRow; variants: VariantTemplates | null }[]> {
  const sending = await deps.db.select().from(broadcasts).where(eq(broadcasts.status, 'sending'));
  if (sending.length === 0) return [];
  const rates = await sendRatesOf(deps.db, sending.flatMap((b) => (b.numberId ? [{ workspaceId: b.workspaceId, id: b.numberId }] : [])));
  const abs = await abTestsOf(deps.db, sending.map((b) => b.id));
  const stored = (id: string) => (abs.get(id)?.variants ?? []) as unknown as StoredVariant[];
  const tpls = await templatesByIds(deps.db, sending.flatMap((b) => [...(b.templateId ? [{ workspaceId: b.workspaceId, id: b.templateId }] : []), ...stored(b.id).map((v) => ({ workspaceId: b.workspaceId, id: v.template_id }))]));
  // A broadcast whose number or template is gone is left out, as the join it replaces did.
  return sending.flatMap((b) => {
    const rate = b.numberId ? rates.get(b.numberId) : undefined;
    const t = b.templateId ? tpls.get(b.templateId) : undefined;
    const variants = abs.has(b.id) ? stored(b.id).flatMap((v) => (tpls.get(v.template_id) ? [{ key: v.key, t: tpls.get(v.template_id)!, variables: v.variables }] : [])) : null;
    if (variants && variants.length !== stored(b.id).length) return [];
    return rate && t ? [{ b, mps: rate.throughputMps, tier: rate.messagingLimitTier, t, variants }] : [];
  });
}

/** Reloads the broadcasts now sending, their numbers (rate, tier, credentials) and compiled templates. */
export async function refreshActive(st: DispatchState, deps: DispatcherDeps, cfg: DispatchConfig): Promise<void> {
  const rows = await loadSending(deps);
  const next = new Map<string, NumberState>();
  for (const { b, mps, tier, t, variants } of rows) {
    const policy = { ...policyFrom(undefined), ...(b.policy as Partial<BroadcastPolicy>) };
    st.policies.set(b.id, policy);
    let n = next.get(b.numberId!);
    if (!n) {
      const cached = st.credsCache.get(b.numberId!);
      const fresh = cached && Date.now() - cached.at < 30_000;
      const creds = fresh ? cached.creds : await credentialsFor({ db: deps.db, workspaceId: b.workspaceId, actor: SYSTEM_ACTOR, now: deps.clock.now(), log: deps.log }, deps.box, b.numberId!);
      st.credsCache.set(b.numberId!, { creds, at: fresh ? cached.at : Date.now() });
      n = { id: b.numberId!, ratePerSecond: Math.max(0.1, Math.min(mps * policy.pacingRatio, deps.maxRatePerNumber ?? Infinity)), tier, creds, list: [] };
      next.set(b.numberId!, n);
    }
    // Compiled once per broadcast and template version, not every second.
    const key = `${b.id}:${t.updatedAt.getTime()}:${deps.publicUrl}:${(variants ?? []).map((v) => `${v.key}${v.t.updatedAt.getTime()}`).join(',')}`;
    let active = st.actives.get(b.id);
    if (!active || active.key !== key) st.actives.set(b.id, (active = { key, value: await activeOf(deps, cfg, b, t, policy, variants) }));
    n.list.push(active.value);
  }
  for (const id of st.actives.keys()) if (!rows.some((r) => r.b.id === id)) st.actives.delete(id);
  st.numbers = next;
}

/** A template compiled with its variables; tracked links render through a per-recipient attribute so it compiles once. */
function compiledOf(t: TemplateRow, variables: Record<string, unknown>) {
  const { vars, links } = resolveTrackedLinks(variables, (n) => ({ attribute: `__gl_link_${n}` }));
  return { render: compileTemplate(templateDefOf(t), vars as VariableMap), linkIdx: links };
}

async function activeOf(deps: DispatcherDeps, cfg: DispatchConfig, b: BroadcastRow, t: TemplateRow, policy: BroadcastPolicy, variants: VariantTemplates | null): Promise<ActiveBroadcast> {
  const main = compiledOf(t, b.variables);
  const byVariant = new Map((variants ?? []).map((v) => [v.key, compiledOf(v.t, v.variables)]));
  const hashPhone = await phoneHasher(deps.db, b.workspaceId);
  const base = deps.publicUrl.replace(/\/$/, '');
  return {
    id: b.id,
    workspaceId: b.workspaceId,
    numberId: b.numberId!,
    topicId: b.topicId!,
    isMarketing: b.templateCategory === 'MARKETING',
    policy,
    hashPhone,
    hasAbTest: variants !== null,
    render: (c, recipientId, variant) => {
      // A row of an A/B test renders its variant; a rest row whose winner is unknown is never sent a guess.
      const chosen = variants === null ? main : variant ? byVariant.get(variant) : undefined;
      if (!chosen) return { ok: false, reason: 'ab_variant_unknown' };
      const { render, linkIdx } = chosen;
      const links = linkIdx.length ? Object.fromEntries(linkIdx.map((i) => [`__gl_link_${i}`, `${base}/r/${linkToken(cfg.sign, recipientId, i)}`])) : {};
      const r = render(linkIdx.length ? { ...c, attributes: { ...c.attributes, ...links } } : c);
      return r.ok ? { ok: true, message: r.message, text: r.text } : { ok: false, reason: r.reason };
    },
  };
}

/** Every second: starts due broadcasts, settles expired leases, supervises health, reloads what is sending. */
export async function houseLane(st: DispatchState, deps: DispatcherDeps, cfg: DispatchConfig): Promise<void> {
  let ticks = 0;
  while (!st.stopped) {
    try {
      const now = deps.clock.now();
      await startDueBroadcasts(deps.db, now, deps.log);
      await settleExpiredRows(deps.db, now, { upSince: st.upSince });
      await superviseBroadcasts(deps.db, now, deps.log, { checkHealth: ticks % 5 === 0 });
      await refreshActive(st, deps, cfg);
    } catch (err) {
      deps.log.warn({ err: { message: safeErrorMessage(err) } }, 'broadcast housekeeping failed; retrying');
    }
    ticks++;
    await sleep(cfg.houseKeepingMs);
  }
}
