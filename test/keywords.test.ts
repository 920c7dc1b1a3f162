import { describe, expect, it } from 'vitest';
import { isStopButton, keywordSets, matchKeyword, normalizeKeyword } from '../src/modules/consent/index.js';

const sets = keywordSets(undefined);

describe('opt-out keyword matching', () => {
  it.each([
    'STOP', 'stop', ' Stop. ', 'ＳＴＯＰ', 'Ｓｔｏｐ！', 'STOP!!! 🛑', 'stopall', 'STOPALL', 'UNSUBSCRIBE', 'Cancel', 'END', 'quit', 'REVOKE', 'OPTOUT', 'OPT-OUT', 'opt out', 'REMOVE', 'ARRET', 'Arrêt',
    // es, pt, fr, de, it, id, ms, hi (Latin), ar, tr
    'BAJA', 'alto', 'SAIR', 'Parar', 'désabonner', 'STOPP', 'Abmelden', 'BASTA', 'disiscriviti', 'BERHENTI', 'henti', 'band karo', 'BAND', 'إلغاء', 'توقف', 'İPTAL', 'iptal', 'DUR',
  ])('%j is a full opt-out', (text) => {
    expect(matchKeyword(text, sets)).toMatchObject({ kind: 'stop', topic: null });
  });

  it.each([
    ['STOP offers', 'offers'],
    ['stop   Order updates!', 'order updates'],
    ['BAJA ofertas', 'ofertas'],
  ])('%j opts out of one topic (%s)', (text, topic) => {
    expect(matchKeyword(text, sets)).toMatchObject({ kind: 'stop', topic });
  });

  it.each(['START', 'start', 'Unstop', 'SUBSCRIBE', 'ALTA', 'MULAI', 'démarrer'])('%j is a re-subscription', (text) => {
    expect(matchKeyword(text, sets)).toMatchObject({ kind: 'start', topic: null });
  });

  it('sends sentences that merely mention a STOP word to review, and ignores ordinary chat', () => {
    expect(matchKeyword('please stop texting me', sets)).toMatchObject({ kind: 'review' });
    expect(matchKeyword('Hi! Do you deliver on Sundays?', sets)).toBeUndefined();
    expect(matchKeyword('stopwatch', sets)).toBeUndefined();
    expect(matchKeyword('', sets)).toBeUndefined();
    expect(matchKeyword(null, sets)).toBeUndefined();
  });

  it('applies workspace additions and removals, but STOP itself cannot be removed', () => {
    const custom = keywordSets({ stop_keywords: ['Tschüss'], disabled_stop_keywords: ['end', 'stop'] });
    expect(matchKeyword('TSCHÜSS', custom)).toMatchObject({ kind: 'stop' });
    expect(matchKeyword('end', custom)).toBeUndefined();
    expect(matchKeyword('STOP', custom)).toMatchObject({ kind: 'stop' });
  });

  it('normalises case, width, accents, punctuation and spacing', () => {
    expect(normalizeKeyword('  ＡＲＲÊＴ… ')).toBe('arret');
    expect(normalizeKeyword('Opt—Out')).toBe('opt out');
  });

  it('recognises the Stop promotions quick reply by text or payload', () => {
    expect(isStopButton('Stop promotions', null)).toBe(true);
    expect(isStopButton(null, 'STOP_PROMOTIONS')).toBe(true);
    expect(isStopButton('Yes please', 'yes')).toBe(false);
  });
});
