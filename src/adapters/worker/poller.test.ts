import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { startPoller } from './poller.js';

describe('startPoller poke()', () => {
  it('ends an idle sleep at once, and a poke during a run that found nothing makes it run again without sleeping', async () => {
    const runs: number[] = [];
    let pokeDuringRun = false;
    let pokeNow: () => void = () => undefined;
    const p = startPoller({
      name: 't',
      idleMs: 60_000,
      log: silentLogger(),
      run: async () => {
        runs.push(performance.now());
        if (pokeDuringRun) {
          pokeDuringRun = false;
          pokeNow();
        }
        return 0;
      },
    });
    pokeNow = () => p.poke();
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toHaveLength(1); // asleep for a minute
    p.poke();
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toHaveLength(2);
    pokeDuringRun = true;
    p.poke();
    await new Promise((r) => setTimeout(r, 50));
    // The third run was poked while it ran (its work may not have been visible yet): a fourth ran at once.
    expect(runs).toHaveLength(4);
    await p.stop();
  });
});
