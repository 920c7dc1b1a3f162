import { describe, expect, it } from 'vitest';
import {
  checkFormToken,
  confirmationPayload,
  FORM_MIN_FILL_MS,
  FORM_TOKEN_MAX_AGE_MS,
  missingFormFields,
  pageVersionOf,
  signFormToken,
  slugify,
  submissionIdOfPayload,
  waDigits,
  waMeLink,
  welcomeTextOf,
  type PageStatements,
} from '../src/modules/optin/index.js';

describe('click-to-chat links', () => {
  it('uses the number in international digits and the url-encoded keyword', () => {
    expect(waDigits('+1 (555) 078-3881')).toBe('15550783881');
    expect(waDigits('0044 7700 900123')).toBe('447700900123');
    expect(waMeLink('15550783881', 'join spring')).toBe('https://wa.me/15550783881?text=join%20spring');
    expect(waMeLink('15550783881', 'café & más')).toBe('https://wa.me/15550783881?text=caf%C3%A9%20%26%20m%C3%A1s');
  });

  it('makes URL-safe slugs', () => {
    expect(slugify('  Spring Sale — Café! ')).toBe('spring-sale-cafe');
    expect(slugify('🙂')).toBe('');
  });
});

describe('form completeness', () => {
  const complete = { businessName: 'Bloom', topics: [{ name: 'Offers', frequency: null }], frequency: 'weekly', howToStop: 'Reply STOP', privacyUrl: 'https://bloom.example/privacy' };

  it('names every missing statement', () => {
    expect(missingFormFields(complete)).toEqual([]);
    expect(missingFormFields({ businessName: ' ', topics: [], frequency: null, howToStop: undefined, privacyUrl: '' })).toEqual(['page.business_name', 'topics', 'page.frequency', 'page.how_to_stop', 'page.privacy_url']);
  });

  it('accepts the frequency promised by every topic instead of a page frequency', () => {
    expect(missingFormFields({ ...complete, frequency: null, topics: [{ name: 'Offers', frequency: '2 a week' }] })).toEqual([]);
    expect(missingFormFields({ ...complete, frequency: null, topics: [{ name: 'Offers', frequency: '2 a week' }, { name: 'News', frequency: null }] })).toEqual(['page.frequency']);
  });
});

describe('page versions and form tokens', () => {
  const page: PageStatements = { businessName: 'Bloom', headline: null, description: null, topics: [{ name: 'Offers', frequency: 'weekly' }], frequency: null, howToStop: 'Reply STOP', privacyUrl: 'https://bloom.example/p', consentText: 'Yes, send me offers.', keyword: 'bloom' };
  const key = Buffer.alloc(32, 1);
  const form = '3b241101-e2bb-4255-8caf-4136c566a962';

  it('changes the page version when any statement changes', () => {
    expect(pageVersionOf(page)).toMatch(/^[0-9a-f]{16}$/);
    expect(pageVersionOf(page)).toBe(pageVersionOf({ ...page }));
    expect(pageVersionOf({ ...page, consentText: 'Yes, send me offers!' })).not.toBe(pageVersionOf(page));
    expect(pageVersionOf({ ...page, howToStop: 'Reply STOP anytime' })).not.toBe(pageVersionOf(page));
  });

  it('accepts a token after the minimum fill time and before it expires', () => {
    const v = pageVersionOf(page);
    const issued = 1_800_000_000_000;
    const token = signFormToken(key, form, v, issued);
    expect(checkFormToken(key, form, token, issued + FORM_MIN_FILL_MS)).toEqual({ ok: true, pageVersion: v });
    expect(checkFormToken(key, form, token, issued + 100)).toEqual({ ok: false, reason: 'too_fast' });
    expect(checkFormToken(key, form, token, issued + FORM_TOKEN_MAX_AGE_MS + 1)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses tokens signed for another form, with another key, or edited', () => {
    const v = pageVersionOf(page);
    const issued = 1_800_000_000_000;
    const token = signFormToken(key, form, v, issued);
    const later = issued + 10_000;
    expect(checkFormToken(key, 'another-form', token, later).ok).toBe(false);
    expect(checkFormToken(Buffer.alloc(32, 2), form, token, later).ok).toBe(false);
    const backdated = token.replace(String(issued), String(issued - 5_000));
    expect(checkFormToken(key, form, backdated, later)).toEqual({ ok: false, reason: 'invalid' });
    expect(checkFormToken(key, form, 'garbage', later)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('welcome text', () => {
  const topics = [
    { name: 'Offers', frequency: 'about 2 a week' },
    { name: 'New arrivals', frequency: null },
  ];

  it('thanks, says what and how often, and how to stop', () => {
    const text = welcomeTextOf({ businessName: 'Bloom', topics, frequency: null, customText: null, incentive: null });
    expect(text).toBe("Thanks for joining Bloom on WhatsApp! You'll get Offers (about 2 a week) and New arrivals.\n\nReply STOP to unsubscribe at any time.");
  });

  it('adds the overall frequency only when a topic does not promise its own', () => {
    const base = { businessName: 'Bloom', customText: null, incentive: null, frequency: 'about 3 a week' };
    expect(welcomeTextOf({ ...base, topics })).toContain("You'll get Offers (about 2 a week) and New arrivals, about 3 a week.");
    expect(welcomeTextOf({ ...base, topics: [topics[0]!] })).toContain("You'll get Offers (about 2 a week).");
  });

  it('adds the incentive and the STOP instruction to a custom text that lacks them', () => {
    const text = welcomeTextOf({ businessName: 'Bloom', topics, frequency: null, customText: 'Welcome to the Bloom club!', incentive: 'BLOOM10' });
    expect(text).toBe('Welcome to the Bloom club!\n\nYour welcome gift: BLOOM10\n\nReply STOP to unsubscribe at any time.');
    const own = welcomeTextOf({ businessName: 'Bloom', topics, frequency: null, customText: 'Use BLOOM10 today. Text STOP to leave.', incentive: 'BLOOM10' });
    expect(own).toBe('Use BLOOM10 today. Text STOP to leave.');
    const vague = welcomeTextOf({ businessName: 'Bloom', topics, frequency: null, customText: "Don't stop shopping!", incentive: null });
    expect(vague).toBe("Don't stop shopping!\n\nReply STOP to unsubscribe at any time.");
  });
});

describe('confirmation payloads', () => {
  it('round-trips a submission id and ignores other payloads', () => {
    const id = '3b241101-e2bb-4255-8caf-4136c566a962';
    expect(submissionIdOfPayload(confirmationPayload(id))).toBe(id);
    expect(submissionIdOfPayload('STOP_PROMOS')).toBeUndefined();
    expect(submissionIdOfPayload('optin:not-a-uuid')).toBeUndefined();
    expect(submissionIdOfPayload(null)).toBeUndefined();
  });
});
