import { describe, expect, it } from 'vitest';
import {
  autoPauseReason,
  DEFAULT_POLICY,
  resolveTrackedLinks,
  estimateCost,
  failureActionOf,
  pairRateDelayMs,
  policyFrom,
  retryDelayMs,
  slotsToReserve,
  type BroadcastPolicy,
} from './broadcasts.rules.js';
import { DEFAULT_RATE_CARD, type RateCard } from '../workspaces/index.js';

describe('retryDelayMs', () => {
  it('doubles from 1 s with full jitter over the upper half, capped at 60 s', () => {
    const lo = () => 0;
    const hi = () => 0.999999;
    expect(retryDelayMs(1, lo)).toBe(500);
    expect(retryDelayMs(1, hi)).toBe(1000);
    expect(retryDelayMs(2, lo)).toBe(1000);
    expect(retryDelayMs(2, hi)).toBe(2000);
    expect(retryDelayMs(4, lo)).toBe(4000);
    expect(retryDelayMs(4, hi)).toBe(8000);
    expect(retryDelayMs(7, hi)).toBe(60_000);
    expect(retryDelayMs(30, hi)).toBe(60_000);
    expect(retryDelayMs(30, lo)).toBe(30_000);
  });

  it('treats attempt 0 (and below) like the first retry', () => {
    expect(retryDelayMs(0, () => 0.999999)).toBe(1000);
    expect(retryDelayMs(-3, () => 0)).toBe(500);
  });

  it('stays within [cap/2, cap] and never exceeds 60 s for any dice', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const cap = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const d = retryDelayMs(attempt);
        expect(d).toBeGreaterThanOrEqual(cap / 2);
        expect(d).toBeLessThanOrEqual(cap);
      }
    }
  });
});

describe('pairRateDelayMs', () => {
  it("follows Meta's 4^X seconds per consecutive 131056 hit, capped at 1024 s", () => {
    expect(pairRateDelayMs(0)).toBe(1000);
    expect(pairRateDelayMs(1)).toBe(4000);
    expect(pairRateDelayMs(2)).toBe(16_000);
    expect(pairRateDelayMs(3)).toBe(64_000);
    expect(pairRateDelayMs(5)).toBe(1_024_000);
    expect(pairRateDelayMs(9)).toBe(1_024_000);
    expect(pairRateDelayMs(-1)).toBe(1000);
  });
});

describe('failureActionOf', () => {
  it('waits for the status webhook on an uncertain send (never a blind re-post)', () => {
    expect(failureActionOf('uncertain', 131000, 'WHATSAPP_SEND_UNCERTAIN')).toEqual({ kind: 'uncertain' });
    expect(failureActionOf('uncertain', undefined, 'WHATSAPP_SEND_UNCERTAIN')).toEqual({ kind: 'uncertain' });
  });

  it('delays only the recipient on the pair rate limit', () => {
    expect(failureActionOf('pacing', 131056, 'WHATSAPP_PAIR_RATE_LIMITED')).toEqual({ kind: 'pair_delay' });
  });

  it('retries transient errors and throttles the whole number only for throughput errors', () => {
    expect(failureActionOf('transient', 130429, 'WHATSAPP_RATE_LIMITED')).toEqual({ kind: 'retry', throttleNumber: true });
    expect(failureActionOf('transient', 4, 'WHATSAPP_RATE_LIMITED')).toEqual({ kind: 'retry', throttleNumber: true });
    expect(failureActionOf('transient', 80007, 'WHATSAPP_RATE_LIMITED')).toEqual({ kind: 'retry', throttleNumber: true });
    expect(failureActionOf('transient', 131016, 'WHATSAPP_TRANSIENT')).toEqual({ kind: 'retry', throttleNumber: false });
    expect(failureActionOf('transient', undefined, 'WHATSAPP_CONNECTION_FAILED')).toEqual({ kind: 'retry', throttleNumber: false });
  });

  it('pauses the broadcast on template errors, naming the code and the cause', () => {
    const a = failureActionOf('permanent_content', 132015, 'WHATSAPP_TEMPLATE_REJECTED');
    expect(a).toMatchObject({ kind: 'pause_broadcast', code: 'TEMPLATE_ERROR' });
    expect(a.kind === 'pause_broadcast' && a.reason).toMatch(/132015.*paused for low quality/);
    const b = failureActionOf('permanent_content', 132001, 'WHATSAPP_TEMPLATE_REJECTED');
    expect(b.kind === 'pause_broadcast' && b.reason).toMatch(/132001.*does not exist/);
    // An undocumented 1320xx still pauses, with generic advice.
    const c = failureActionOf('permanent_content', 132099, 'WHATSAPP_TEMPLATE_REJECTED');
    expect(c).toMatchObject({ kind: 'pause_broadcast', code: 'TEMPLATE_ERROR' });
    expect(c.kind === 'pause_broadcast' && c.reason).toMatch(/132099.*check the template/);
    expect(failureActionOf('permanent_content', 133000, 'WHATSAPP_REQUEST_INVALID')).toEqual({ kind: 'fail', reason: 'WHATSAPP_REQUEST_INVALID' });
  });

  it('pauses the broadcast on account errors (auth, blocks), with the error in the reason', () => {
    const a = failureActionOf('permanent_account', 190, 'WHATSAPP_AUTH_FAILED');
    expect(a).toMatchObject({ kind: 'pause_broadcast', code: 'ACCOUNT_ERROR' });
    expect(a.kind === 'pause_broadcast' && a.reason).toContain('WHATSAPP_AUTH_FAILED, error 190');
    // 368 is a long-delay class at the adapter, but an account block stops the broadcast.
    expect(failureActionOf('long_delay', 368, 'WHATSAPP_ACCOUNT_BLOCKED')).toMatchObject({ kind: 'pause_broadcast', code: 'ACCOUNT_ERROR' });
    expect(failureActionOf(undefined, undefined, 'WHATSAPP_AUTH_FAILED')).toMatchObject({ kind: 'pause_broadcast', code: 'ACCOUNT_ERROR' });
  });

  it('fails only the recipient on permanent content errors and long-delay limits', () => {
    expect(failureActionOf('permanent_content', 131026, 'WHATSAPP_RECIPIENT_UNREACHABLE')).toEqual({ kind: 'fail', reason: 'WHATSAPP_RECIPIENT_UNREACHABLE' });
    expect(failureActionOf('permanent_content', 131050, 'WHATSAPP_MARKETING_STOPPED')).toEqual({ kind: 'fail', reason: 'WHATSAPP_MARKETING_STOPPED' });
    expect(failureActionOf('long_delay', 131049, 'WHATSAPP_ECOSYSTEM_LIMITED')).toEqual({ kind: 'fail', reason: 'WHATSAPP_ECOSYSTEM_LIMITED' });
    expect(failureActionOf('permanent_content', 131009, 'WHATSAPP_REQUEST_INVALID')).toEqual({ kind: 'fail', reason: 'WHATSAPP_REQUEST_INVALID' });
  });
});

describe('autoPauseReason', () => {
  const policy: BroadcastPolicy = { ...DEFAULT_POLICY, autoPause: { minSent: 10, failureRate: 0.2, optOutRate: 0.1, onQuality: ['RED'] } };

  it('waits for min_sent attempts before judging the failure rate', () => {
    expect(autoPauseReason({ accepted: 0, failed: 9, optedOut: 0 }, 'GREEN', policy)).toBeNull();
    expect(autoPauseReason({ accepted: 1, failed: 9, optedOut: 0 }, 'GREEN', policy)).toMatchObject({ code: 'FAILURE_RATE' });
  });

  it('pauses at the failure threshold (inclusive), not below it', () => {
    expect(autoPauseReason({ accepted: 81, failed: 19, optedOut: 0 }, 'GREEN', policy)).toBeNull();
    const r = autoPauseReason({ accepted: 80, failed: 20, optedOut: 0 }, 'GREEN', policy);
    expect(r).toEqual({ code: 'FAILURE_RATE', reason: '20 of 100 sends failed (20%, threshold 20%)' });
  });

  it('pauses on the opt-out rate among accepted sends once min_sent were accepted', () => {
    expect(autoPauseReason({ accepted: 9, failed: 0, optedOut: 9 }, 'GREEN', policy)).toBeNull();
    expect(autoPauseReason({ accepted: 100, failed: 0, optedOut: 9 }, 'GREEN', policy)).toBeNull();
    expect(autoPauseReason({ accepted: 100, failed: 0, optedOut: 10 }, 'GREEN', policy)).toMatchObject({ code: 'OPT_OUT_RATE', reason: expect.stringContaining('10 of 100') });
  });

  it('pauses on a listed number quality before anything was sent; other ratings do not', () => {
    expect(autoPauseReason({ accepted: 0, failed: 0, optedOut: 0 }, 'RED', policy)).toEqual({ code: 'QUALITY_DROPPED', reason: "the number's quality rating is RED" });
    expect(autoPauseReason({ accepted: 0, failed: 0, optedOut: 0 }, 'YELLOW', policy)).toBeNull();
    expect(autoPauseReason({ accepted: 0, failed: 0, optedOut: 0 }, 'YELLOW', { ...policy, autoPause: { ...policy.autoPause, onQuality: ['YELLOW', 'RED'] } })).toMatchObject({ code: 'QUALITY_DROPPED' });
  });
});


describe('estimateCost', () => {
  const card: RateCard = { currency: 'EUR', rates: { '*': { marketing: 0.1, utility: 0.01 }, NG: { marketing: 0.05 }, GB: { utility: 0.02 } } };

  it('prices each country by its category rate, falling back to "*", rounded to cents in total', () => {
    const c = estimateCost({ NG: 10, GB: 3, '*': 2 }, 'MARKETING', card);
    expect(c.currency).toBe('EUR');
    expect(c.by_country).toEqual({ NG: { recipients: 10, rate: 0.05, cost: 0.5 }, GB: { recipients: 3, rate: 0.1, cost: 0.3 }, '*': { recipients: 2, rate: 0.1, cost: 0.2 } });
    expect(c.total).toBe(1);
  });

  it('uses the fallback for a category a country does not list, and 0 when nothing applies', () => {
    expect(estimateCost({ NG: 100 }, 'UTILITY', card).by_country.NG).toEqual({ recipients: 100, rate: 0.01, cost: 1 });
    expect(estimateCost({ NG: 100 }, 'AUTHENTICATION', card)).toEqual({ currency: 'EUR', total: 0, by_country: { NG: { recipients: 100, rate: 0, cost: 0 } } });
  });

  it("uses Meta's default list when the workspace has none", () => {
    const c = estimateCost({ IN: 1000, ZZ: 1000 }, 'MARKETING', DEFAULT_RATE_CARD);
    expect(c.by_country.IN!.rate).toBe(0.0107);
    expect(c.by_country.ZZ!.rate).toBe(0.0604);
    expect(c.total).toBe(71.1);
  });

  it('is zero for no recipients', () => {
    expect(estimateCost({}, 'MARKETING', card)).toEqual({ currency: 'EUR', total: 0, by_country: {} });
  });
});

describe('slotsToReserve', () => {
  const now = 1_000_000;

  it('books the whole horizon when the schedule has caught up with now, at most max', () => {
    expect(slotsToReserve(now, now - 5000, 80, 400, 500)).toBe(32);
    expect(slotsToReserve(now, now, 80, 400, 10)).toBe(10);
  });

  it('books only the room left in the horizon when slots are already booked ahead', () => {
    expect(slotsToReserve(now, now + 200, 80, 400, 500)).toBe(16);
    expect(slotsToReserve(now, now + 399, 80, 400, 500)).toBe(0);
    expect(slotsToReserve(now, now + 400, 80, 400, 500)).toBe(0);
    expect(slotsToReserve(now, now + 10_000, 80, 400, 500)).toBe(0);
  });

  it('still gives a slow number one slot once its schedule has caught up', () => {
    expect(slotsToReserve(now, now, 1, 400, 500)).toBe(1);
    expect(slotsToReserve(now, now - 1, 0.1, 400, 500)).toBe(1);
    // …but not while its next slot is still ahead.
    expect(slotsToReserve(now, now + 100, 1, 400, 500)).toBe(0);
  });
});

describe('policyFrom', () => {
  it('gives the defaults without settings', () => {
    expect(policyFrom(undefined)).toEqual(DEFAULT_POLICY);
    expect(policyFrom({})).toEqual(DEFAULT_POLICY);
  });

  it('merges settings over the defaults, field by field', () => {
    const p = policyFrom({ pacing_ratio: 0.5, auto_pause: { min_sent: 10 }, uncertain: { window_seconds: 5 }, max_attempts: 3, quiet_hours: { start: '22:00', end: '07:30' }, frequency_cap: { max: 4, days: 30 } });
    expect(p).toEqual({
      pacingRatio: 0.5,
      quietHours: { start: '22:00', end: '07:30' },
      frequencyCap: { max: 4, days: 30 },
      autoPause: { ...DEFAULT_POLICY.autoPause, minSent: 10 },
      uncertain: { policy: 'never_resend', windowSeconds: 5 },
      maxAttempts: 3,
    });
    expect(policyFrom({ uncertain: { policy: 'resend_after_window' } }).uncertain).toEqual({ policy: 'resend_after_window', windowSeconds: 900 });
    expect(policyFrom({ auto_pause: { failure_rate: 0.5, opt_out_rate: 0.01, on_quality: ['YELLOW', 'RED'] } }).autoPause).toEqual({ minSent: 100, failureRate: 0.5, optOutRate: 0.01, onQuality: ['YELLOW', 'RED'] });
  });

  it('turns quiet hours and the frequency cap off with null (absent keeps the defaults)', () => {
    const p = policyFrom({ quiet_hours: null, frequency_cap: null });
    expect(p.quietHours).toBeNull();
    expect(p.frequencyCap).toBeNull();
    expect(policyFrom({ pacing_ratio: 1 }).quietHours).toEqual({ start: '21:00', end: '08:00' });
  });

  it('never changes the shared defaults', () => {
    const p = policyFrom({ auto_pause: { on_quality: ['YELLOW'] } });
    p.autoPause.onQuality.push('RED');
    p.quietHours!.start = '00:00';
    expect(DEFAULT_POLICY.autoPause.onQuality).toEqual(['RED']);
    expect(DEFAULT_POLICY.quietHours).toEqual({ start: '21:00', end: '08:00' });
  });
});

describe('resolveTrackedLinks', () => {
  it('replaces each tracked link by its source and lists the link indexes, leaving other variables alone', () => {
    const r = resolveTrackedLinks({ 'body.1': { field: 'first_name' }, 'body.2': { tracked_link: 1 }, 'button.0': { tracked_link: 0 } }, (n) => ({ attribute: `l${n}` }));
    expect(r.vars).toEqual({ 'body.1': { field: 'first_name' }, 'body.2': { attribute: 'l1' }, 'button.0': { attribute: 'l0' } });
    expect(r.links).toEqual([1, 0]);
    expect(resolveTrackedLinks({ 'body.1': { value: 'x' } }, () => null)).toEqual({ vars: { 'body.1': { value: 'x' } }, links: [] });
  });
});
