import { describe, expect, it } from 'vitest';
import { checkGraph, durationMs, fillLinks, linkIndexesIn, nextOf } from './automations.rules.js';

describe('checkGraph', () => {
  it('accepts a straight line and a branch whose arms meet again', () => {
    expect(checkGraph([{ id: 'a', type: 'send_template' }, { id: 'w', type: 'wait' }, { id: 'b', type: 'end' }])).toEqual([]);
    expect(checkGraph([{ id: 'q', type: 'branch', then: 'x', else: 'y' }, { id: 'x', type: 'tag', next: 'z' }, { id: 'y', type: 'tag' }, { id: 'z', type: 'end' }])).toEqual([]);
  });

  it('names duplicate ids, unknown targets and unreachable steps by path', () => {
    expect(checkGraph([{ id: 'a', type: 'tag' }, { id: 'a', type: 'end' }])[0]).toMatchObject({ path: 'steps[1].id' });
    expect(checkGraph([{ id: 'a', type: 'tag', next: 'nope' }])[0]).toMatchObject({ path: 'steps[0].next', problem: expect.stringContaining('"nope"') });
    expect(checkGraph([{ id: 'a', type: 'end' }, { id: 'b', type: 'tag' }])).toEqual([{ path: 'steps[1]', problem: expect.stringContaining('never be reached') }]);
  });

  it('refuses a loop without a wait, and allows one with a wait', () => {
    const bad = checkGraph([{ id: 'a', type: 'send_template' }, { id: 'b', type: 'tag', next: 'a' }]);
    expect(bad).toEqual([{ path: 'steps[0]', problem: expect.stringContaining('a → b loop without a wait') }]);
    expect(checkGraph([{ id: 'a', type: 'send_template' }, { id: 'w', type: 'wait', next: 'a' }])).toEqual([]);
  });
});

describe('nextOf and durationMs', () => {
  it('goes to next, else the following step, else the end; end goes nowhere', () => {
    const steps = [{ id: 'a', type: 'tag', next: 'c' }, { id: 'b', type: 'tag' }, { id: 'c', type: 'tag' }, { id: 'd', type: 'end', next: 'a' }];
    expect([0, 1, 2, 3].map((i) => nextOf(steps, i))).toEqual(['c', 'c', 'd', null]);
  });
  it('adds days, hours and minutes', () => {
    expect(durationMs({ days: 2, hours: 1, minutes: 30 })).toBe((48 * 60 + 90) * 60_000);
  });
});

describe('tracked links in texts', () => {
  it('finds and fills {{link:N}} placeholders, spaces allowed, other braces left alone', () => {
    expect(linkIndexesIn('See {{link:0}} and {{ link:2 }}, not {{1}}')).toEqual([0, 2]);
    expect(fillLinks('See {{link:0}} and {{ link:2 }}, not {{1}}', (n) => `https://x/${n}`)).toBe('See https://x/0 and https://x/2, not {{1}}');
  });
});
