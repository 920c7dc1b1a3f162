import type { Db } from '../../modules/context.js';
import type { SecretBox } from '../../lib/secrets.js';
import { listIntakeNumbers, type IntakeNumber } from '../../modules/numbers/index.js';

/** Every connected number, indexed the ways webhook intake looks them up. */
export interface IntakeDirectory {
  numbers: IntakeNumber[];
  /** By Meta phone-number id (unique across workspaces). */
  byPhone: Map<string, IntakeNumber>;
  /** By WABA id: the numbers holding it (several only within one workspace, or across workspaces proven by one app secret). */
  byWaba: Map<string, IntakeNumber[]>;
}

/** Decrypted app secrets and verify tokens of every connected number, refreshed on a short TTL. */
export interface IntakeSecrets {
  get(): Promise<IntakeDirectory>;
  /** Reloads now unless loaded less than a second ago (e.g. an unknown id or a signature that does not match). */
  refresh(): Promise<IntakeDirectory>;
  /** Marks the cache stale: a number changed in this process (other processes catch up by TTL or `refresh`). */
  invalidate(): void;
}

function indexed(numbers: IntakeNumber[]): IntakeDirectory {
  const byPhone = new Map<string, IntakeNumber>();
  const byWaba = new Map<string, IntakeNumber[]>();
  for (const n of numbers) {
    byPhone.set(n.phoneNumberId, n);
    const list = byWaba.get(n.wabaId);
    if (list) list.push(n);
    else byWaba.set(n.wabaId, [n]);
  }
  return { numbers, byPhone, byWaba };
}

// A cache, not state: every process reads the same rows; a number connected or rotated in another
// process is picked up within the TTL, or at once by `refresh` on the first body that needs it.
// `refresh` reloads at most once a second, so unauthenticated requests cannot drive database load.
export function createIntakeSecrets(db: Db, box: SecretBox, ttlMs = 5_000): IntakeSecrets {
  let cached: { at: number; dir: IntakeDirectory } | undefined;
  let loading: Promise<IntakeDirectory> | undefined;
  let generation = 0;
  const load = () => {
    if (loading) return loading;
    const started = generation;
    const p = listIntakeNumbers(db, box)
      .then((numbers) => {
        const dir = indexed(numbers);
        // An invalidation during the load may have raced a change: keep the result but not as fresh.
        cached = { at: started === generation ? Date.now() : 0, dir };
        return dir;
      })
      .finally(() => {
        if (loading === p) loading = undefined;
      });
    loading = p;
    return p;
  };
  return {
    get: async () => (cached && Date.now() - cached.at < ttlMs ? cached.dir : load()),
    refresh: async () => (cached && Date.now() - cached.at < 1_000 ? cached.dir : load()),
    invalidate: () => {
      generation++;
      loading = undefined;
      if (cached) cached.at = 0;
    },
  };
}
