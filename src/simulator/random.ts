// Every behaviour decision comes from the seed (never Math.random), so a run replays exactly.

/** 53-bit string hash (cyrb53): fast, well mixed, stable across platforms. */
export function hash53(text: string, salt = 0): number {
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A uniform number in [0, 1) determined by the seed and the parts (same inputs, same answer). */
export function hashUnit(seed: string, ...parts: (string | number)[]): number {
  return hash53(`${seed}\u0000${parts.join('\u0000')}`) / 2 ** 53;
}

/** A seeded pseudo-random stream. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
}

/** Builds an sfc32 stream from a seed string. */
export function createRng(seed: string): Rng {
  let a = hash53(seed, 1) >>> 0;
  let b = hash53(seed, 2) >>> 0;
  let c = hash53(seed, 3) >>> 0;
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    chance: (p) => p > 0 && next() < p,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
  };
}

const HEX = '0123456789ABCDEF';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Generators for the opaque ids Meta hands out, deterministic for a seed. */
export interface IdFactory {
  /** `wamid.` + base64 of Meta's internal layout (varint-ish header, the wa_id, a hex tail). */
  wamid(waId: string): string;
  /** A Graph trace id such as `Az8or2yhqkZfEZ-_4Qn_Bam`. */
  traceId(): string;
  /** A numeric Graph object id (templates, media, conversations). */
  objectId(): string;
  /** 32 lowercase hex characters (conversation ids). */
  hex32(): string;
}

/** Builds the id factory for a seed; a running counter guarantees uniqueness. */
export function createIdFactory(seed: string): IdFactory {
  const rng = createRng(`${seed}:ids`);
  let counter = 0;
  const pick = (alphabet: string, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng.next() * alphabet.length)];
    return s;
  };
  return {
    wamid(waId) {
      counter++;
      const tail = pick(HEX, 10) + counter.toString(16).toUpperCase().padStart(8, '0');
      const bytes = Buffer.concat([
        Buffer.from([0x1c, 0x18, waId.length & 0xff]),
        Buffer.from(waId, 'ascii'),
        Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, 0x12]),
        Buffer.from(tail, 'ascii'),
        Buffer.from([0x00]),
      ]);
      return `wamid.${bytes.toString('base64')}`;
    },
    traceId: () => pick(B64URL, 23),
    objectId() {
      counter++;
      return `${1 + Math.floor(rng.next() * 9)}${pick('0123456789', 8)}${String(counter % 10_000_000).padStart(7, '0')}`;
    },
    hex32: () => pick('0123456789abcdef', 32),
  };
}
