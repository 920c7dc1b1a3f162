// Runs every benchmark in turn and prints one summary. Run: npm run bench
// (set DATABASE_URL to include PostgreSQL; each bench uses a throwaway database on that server).
import { printChecks, printMachine, type Check } from './lib.js';
import { runHttpBench } from './http.js';
import { runStartupBench } from './startup.js';
import { runWebhookBench } from './webhooks.js';
import { runSimulatorBench } from './simulator.js';
import { runStopLatencyBench } from './stop-latency.js';
import { runBotLatencyBench } from './bot-latency.js';
import { runImportBench } from './import.js';
import { runSegmentBench } from './segments.js';
import { runLifecycleBench } from './lifecycle.js';
import { runBroadcastDispatchBench } from './broadcast-dispatch.js';
import { runBroadcastSnapshotBench } from './broadcast-snapshot.js';

printMachine();
const all: Check[] = [];
try {
  all.push(...(await runStartupBench({ printMachine: false })));
  all.push(...(await runHttpBench({ printMachine: false })));
  all.push(...(await runWebhookBench({ printMachine: false })));
  all.push(...(await runSimulatorBench({ printMachine: false })));
  all.push(...(await runStopLatencyBench({ printMachine: false })));
  // Keyword and button-tap answers of a bot amid 300 webhooks/s (issue 15).
  all.push(...(await runBotLatencyBench({ printMachine: false })));
  all.push(...(await runImportBench({ printMachine: false })));
  // Both use a seeded 1,000,000-contact workspace, cached between runs (see bench/seed-contacts.ts).
  all.push(...(await runSegmentBench({ printMachine: false, explain: 0 })));
  all.push(...(await runLifecycleBench({ printMachine: false })));
  // Whole broadcasts against the simulator at the 80 and 1,000 msg/s tiers (fresh databases).
  all.push(...(await runBroadcastDispatchBench({ printMachine: false })));
  // Starting a broadcast to the seeded 1,000,000 contacts, then a worker claiming from it.
  all.push(...(await runBroadcastSnapshotBench({ printMachine: false })));
} catch (err) {
  console.error(err);
  process.exitCode = 1;
}

console.log('\n================ Summary ================');
printMachine('at end');
printChecks('All figures', all);
const missed = all.filter((c) => c.met === false);
console.log(missed.length === 0 ? '\nEvery target met.' : `\n${missed.length} target(s) missed: ${missed.map((c) => c.name).join('; ')}`);
