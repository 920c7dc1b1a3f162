import type { Db } from '../../modules/context.js';
import type { SecretBox } from '../../lib/secrets.js';
import { listIntakeNumbers, type IntakeNumber } from '../../modules/numbers/index.js';

/** Decrypted app secrets and verify tokens of every connected number, refreshed on a short TTL. */
export interface IntakeSecrets {
  get(): Promise<IntakeNumber[]>;
  /** Reloads now (at most once a second), e.g. when no known secret matches a signature. */
  refresh(): Promise<IntakeNumber[]>;
}

// A cache, not state: a number connected moments ago is found by `refresh` on the first
// unmatched signature, and every process reads the same rows.
export function createIntakeSecrets(db: Db, box: SecretBox, ttlMs = 5_000): IntakeSecrets {
  let cached: { at: number; numbers: IntakeNumber[] } | undefined;
  let loading: Promise<IntakeNumber[]> | undefined;
  const load = () =>
    (loading ??= listIntakeNumbers(db, box)
      .then((numbers) => {
        cached = { at: Date.now(), numbers };
        return numbers;
      })
      .finally(() => {
        loading = undefined;
      }));
  return {
    get: async () => (cached && Date.now() - cached.at < ttlMs ? cached.numbers : load()),
    refresh: async () => (cached && Date.now() - cached.at < 1_000 ? cached.numbers : load()),
  };
}
