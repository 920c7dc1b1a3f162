// PostgreSQL stores neither NUL in text nor lone UTF-16 surrogates in jsonb, and JSON may carry
// both as escapes (\u0000, \ud83d without its pair). Such a value would fail every event of its
// body, for good; instead it is replaced and reported, and the rest of the body is applied.

const ESCAPES = /\\u(?:0000|[dD][89a-fA-F])/;
const MAX_REPORTED = 20;
// Without the u flag a regex sees UTF-16 code units, so it can find unpaired halves.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A value that could not be stored as sent: where it was, and why. */
export interface Undecodable {
  path: string;
  reason: string;
}

function reasonOf(s: string): string | undefined {
  const nul = s.includes('\u0000');
  LONE_SURROGATE.lastIndex = 0;
  const lone = LONE_SURROGATE.test(s);
  if (nul && lone) return 'NUL character and lone UTF-16 surrogate';
  if (nul) return 'NUL character';
  return lone ? 'lone UTF-16 surrogate' : undefined;
}

// U+FFFD is the standard mark for "a character that could not be decoded".
const clean = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');

/** Cheap test on the raw text: can it hold such a value at all? (Meta escapes emoji as surrogate pairs, so pairs pass through here too.) */
export function mayHoldUndecodable(raw: string): boolean {
  return ESCAPES.test(raw);
}

/**
 * Replaces NUL and lone surrogates (in values and keys) by U+FFFD, in place, and lists where they
 * were. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function makeWellFormed(root: unknown): Undecodable[] {
  const found: Undecodable[] = [];
  const note = (path: string, reason: string) => {
    if (found.length < MAX_REPORTED) found.push({ path, reason });
  };
  const stack: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        const p = `${path}[${i}]`;
        const r = typeof v === 'string' ? reasonOf(v) : undefined;
        if (r) {
          value[i] = clean(v as string);
          note(p, r);
        } else if (v && typeof v === 'object') stack.push({ value: v, path: p });
      });
    } else if (value && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      for (const key of Object.keys(obj)) {
        let k = key;
        const kr = reasonOf(key);
        if (kr) {
          k = clean(key);
          obj[k] = obj[key];
          delete obj[key];
        }
        const v = obj[k];
        const p = path ? `${path}.${k}` : k;
        if (kr) note(`${p} (key)`, kr);
        const r = typeof v === 'string' ? reasonOf(v) : undefined;
        if (r) {
          obj[k] = clean(v as string);
          note(p, r);
        } else if (v && typeof v === 'object') stack.push({ value: v, path: p });
      }
    }
  }
  return found;
}
