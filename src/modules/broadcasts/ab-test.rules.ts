import { createHash } from 'node:crypto';

/** The metrics a winner can be picked by (conversion: a `purchase` contact event within the test window after the send). */
export const AB_METRICS = ['read', 'reply', 'click', 'conversion'] as const;
export type AbMetric = (typeof AB_METRICS)[number];

/** Where an A/B test is: not started (draft or scheduled), testing, waiting_for_pick (confirm mode), rest_sending, done. */
export const AB_STATUSES = ['not_started', 'testing', 'waiting_for_pick', 'rest_sending', 'done'] as const;
export type AbStatus = (typeof AB_STATUSES)[number];

/** Variant keys in order: the first variant is A. */
export const AB_VARIANT_KEYS = ['A', 'B', 'C', 'D'] as const;

/** Recipient groups besides the variants: the control that gets nothing, and the rest that gets the winner. */
export const AB_HOLDOUT = 'holdout';
export const AB_REST = 'rest';

/** Buckets per 100 %: a contact's bucket is in [0, 10 000), so percentages with two decimals would split exactly. */
export const AB_BUCKETS = 10_000;

/** The split of an A/B test: how many variants, the share of the audience tested and held out. */
export interface AbSplit {
  variants: number;
  testPercent: number;
  holdoutPercent: number;
}

/**
 * A contact's bucket in a broadcast: the first 32 bits of md5("<broadcast id>:<contact id>") mod
 * 10 000. Deterministic and reproducible (same answer after a restart or a re-plan, on any engine);
 * `abBucketSql` computes the same value in SQL for the snapshot.
 */
export function abBucket(broadcastId: string, contactId: string): number {
  const hex = createHash('md5').update(`${broadcastId}:${contactId}`).digest('hex').slice(0, 8);
  return parseInt(hex, 16) % AB_BUCKETS;
}

/** The group of a bucket: a variant key (the first `testPercent` split evenly), 'holdout' next, 'rest' after. */
export function abGroupOf(bucket: number, s: AbSplit): string {
  const test = Math.round(s.testPercent * (AB_BUCKETS / 100));
  const holdout = Math.round(s.holdoutPercent * (AB_BUCKETS / 100));
  if (bucket < test) return AB_VARIANT_KEYS[Math.floor((bucket * s.variants) / test)]!;
  if (bucket < test + holdout) return AB_HOLDOUT;
  return AB_REST;
}

/** The problems of a split as `{ path, problem }` (empty when it is valid). */
export function splitProblems(s: AbSplit): { path: string; problem: string }[] {
  const out: { path: string; problem: string }[] = [];
  if (s.variants < 2 || s.variants > 4) out.push({ path: 'ab_test.variants', problem: `an A/B test needs 2 to 4 variants, not ${s.variants}` });
  if (s.testPercent + s.holdoutPercent > 100) {
    out.push({ path: 'ab_test.holdout_percent', problem: `test_percent (${s.testPercent}) + holdout_percent (${s.holdoutPercent}) is more than 100` });
  }
  return out;
}

/** One group's outcomes in a test. */
export interface VariantOutcome {
  key: string;
  /** Accepted by WhatsApp. */
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  clicked: number;
  converted: number;
}

/** The successes of one group for a metric. */
export function successesOf(o: VariantOutcome, metric: AbMetric): number {
  return metric === 'read' ? o.read : metric === 'reply' ? o.replied : metric === 'click' ? o.clicked : o.converted;
}

/** successes / trials, 0 when nothing was sent. */
export function rateOf(successes: number, trials: number): number {
  return trials > 0 ? successes / trials : 0;
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** The result of a two-proportion z-test: z, the two-sided p-value and confidence = 1 − p. */
export interface ProportionTest {
  z: number;
  p_value: number;
  confidence: number;
}

/**
 * Two-proportion z-test (pooled) of s1/n1 against s2/n2, two-sided. With no sends on either side,
 * or no variance at all (both 0 % or both 100 %), there is no evidence of a difference: z 0, p 1.
 */
export function twoProportionTest(s1: number, n1: number, s2: number, n2: number): ProportionTest {
  if (n1 <= 0 || n2 <= 0) return { z: 0, p_value: 1, confidence: 0 };
  const pooled = (s1 + s2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0) return { z: 0, p_value: 1, confidence: 0 };
  const z = (s1 / n1 - s2 / n2) / se;
  const p = Math.min(1, Math.max(0, 2 * (1 - normalCdf(Math.abs(z)))));
  return { z, p_value: p, confidence: 1 - p };
}

/**
 * The best and runner-up variants by the metric's rate (ties: the earlier variant), with the
 * confidence of their difference. Null when fewer than two variants are given.
 */
export function rankVariants(outcomes: VariantOutcome[], metric: AbMetric): { best: string; runnerUp: string; test: ProportionTest } | null {
  if (outcomes.length < 2) return null;
  const order = outcomes
    .map((o, i) => ({ o, i, rate: rateOf(successesOf(o, metric), o.sent) }))
    .sort((a, b) => b.rate - a.rate || a.i - b.i);
  const [a, b] = [order[0]!.o, order[1]!.o];
  return { best: a.key, runnerUp: b.key, test: twoProportionTest(successesOf(a, metric), a.sent, successesOf(b, metric), b.sent) };
}
