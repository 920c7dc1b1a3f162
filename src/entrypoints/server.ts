import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { startControlServer, type ControlServer } from '../adapters/control/control-channel.js';
import { startSweepRunner, type SweepRunner } from '../adapters/worker/sweep-runner.js';
import { ADMIN_COMMANDS } from './admin-commands.js';
import { openRuntime, type Runtime } from './runtime.js';
import { allSweeps } from './sweeps.js';
import { bulkPacingFor } from '../modules/lifecycle/index.js';
import { wire } from './wiring.js';
import { issueSetupToken, setupLink, useSingleOwnerCaches } from '../modules/workspaces/index.js';
import type { Sandbox } from './sandbox.js';
import { startPoller, type Poller } from '../adapters/worker/poller.js';
import { processPendingWebhooks } from '../modules/inbound/index.js';
import { configurePreferenceLinks } from '../modules/preferences/index.js';
import { sendQueuedAutomated } from '../modules/messaging/index.js';
import { INBOX_CHANNEL, syncConversations } from '../modules/conversations/index.js';
import { scanAutoReplies } from '../modules/autoreplies/index.js';
import { AUTOMATION_BATCH, hasLiveAutomations, runDueAutomations, scanAutomationTriggers, scanPeriodicTriggers } from '../modules/automations/index.js';
import { startBroadcastDispatcher, type Dispatcher } from '../modules/broadcasts/index.js';
import { parseWebhook } from '../adapters/whatsapp/webhook-parse.js';
import { deliverDueWebhooks } from '../modules/hooks/index.js';
import { failStaleImports, importsRunningHere } from '../modules/imports/index.js';
import { prepareUploadDir } from '../adapters/db/upload-dir.js';
import { safeErrorMessage } from '../lib/redact.js';
import { WAKE_CHANNEL, type WakeTarget } from '../modules/wake.js';
import { rollUpCosts, rollUpGrowth } from '../modules/analytics/index.js';

// On PostgreSQL other live processes may be running imports: only those that missed three 30 s
// heartbeats are orphans at start-up (the minute sweep takes the rest after two minutes).
const ORPHANED_IMPORT_MS = 90_000;

/**
 * Housekeeping after a crash: removes uploads dead processes left in the data directory and marks
 * their imports failed at once instead of showing them `running` until the sweep notices.
 */
async function cleanUpAfterCrash(runtime: Runtime, role: Role, log: Logger): Promise<string | undefined> {
  const { database, config, clock } = runtime;
  const failed = await failStaleImports(database.db, clock.now(), database.kind === 'pglite' ? 0 : ORPHANED_IMPORT_MS);
  if (failed > 0) log.warn({ failed }, 'marked imports of a process that ended failed');
  if (role === 'worker') return undefined;
  try {
    const uploads = await prepareUploadDir(config.dataDir);
    if (uploads.removed > 0) log.info({ removed: uploads.removed }, 'removed uploads left by a process that ended');
    return uploads.dir;
  } catch (err) {
    // A PostgreSQL process may run where its data directory cannot be written (read-only image).
    if (database.kind === 'pglite') throw err;
    log.warn({ err: { message: safeErrorMessage(err) }, dataDir: config.dataDir }, 'cannot use the data directory for uploads; spooling them in the system temp directory');
    return undefined;
  }
}

/** Which parts a process runs. */
export type Role = 'start' | 'api' | 'worker';

/** A running Greenlist process. */
export interface RunningServer {
  runtime: Runtime;
  app: FastifyInstance | undefined;
  /** Set in sandbox mode. */
  sandboxUrl: string | undefined;
  url: string | undefined;
  /** The one-time first-run setup link, when this process serves HTTP and no user exists yet. */
  setupUrl: string | undefined;
  stop(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// What one PGlite process holds while it also takes the status webhooks of what it sends (three per
// message) on its one connection and one thread: at the 1,000 tier a 900/s schedule ran at 76–83 %
// and a 600/s one at 76.8 % (the process at 104 % of a core); 400/s ran at 96.7 % (docs/performance.md,
// "Dispatch"). Faster sending is the scale-out path: PostgreSQL with worker processes.
export const PGLITE_MAX_SENDS_PER_S = 400;

// Intake above this rate (bodies/s into this process) counts as a burst.
const INTAKE_BURST_PER_S = 300;
// During a burst, processing pauses this multiple of each run's time: ~11 % duty. Why: intake and
// processing share the CPUs (and PGlite's one connection); acks are what Meta times, and richer
// processing (engagement, lifecycle, recipient sync) halved intake when it ran flat out beside it.
// Opt-outs are committed at intake, and bodies carrying messages (keywords and replies a bot answers)
// have their own loop that never defers, so a lag here delays only statuses.
const BURST_YIELD = 8;
// ... but never by more than this: past it, processing runs at its usual pace even mid-burst, so a
// sustained stream (a 1,000/s broadcast's statuses) is processed, only a short burst is deferred.
const MAX_DEFERRED_LAG_MS = 20_000;
// Bodies per processing batch, and on PGlite during a burst.
const BATCH = 500;
const BURST_BATCH_PGLITE = 100;
// Bodies per batch of the messages-first loop: small, so a keyword is stored in tens of milliseconds.
const MESSAGES_BATCH = 50;

/**
 * How long webhook processing pauses after each batch (docs/performance.md, "Webhook intake and
 * processing"): while this process's own intake is in a burst and processing is less than 20 s
 * behind, long (intake first); otherwise as long as the batch took when processing shares a process
 * or PGlite's connection with intake, and not at all in a worker on PostgreSQL. `noteLag` is fed
 * by each batch with the age of its oldest body.
 */
export function webhookProcessingYield(
  kind: 'pglite' | 'postgres',
  role: Role,
  intake: { ratePerSecond(): number },
): { ratio: () => number; batch: () => number; noteLag: (ms: number) => void; messages: { ratio: number; batch: number } } {
  const base = kind === 'pglite' || role === 'start' ? 1 : 0;
  let lagMs = 0;
  const noteLag = (ms: number) => {
    lagMs = ms;
  };
  const deferring = () => role !== 'worker' && lagMs < MAX_DEFERRED_LAG_MS && intake.ratePerSecond() >= INTAKE_BURST_PER_S;
  return {
    ratio: () => (deferring() ? BURST_YIELD : base),
    // PGlite's one connection is held for a whole batch: smaller ones mid-burst keep acks from waiting behind it.
    batch: () => (kind === 'pglite' && deferring() ? BURST_BATCH_PGLITE : BATCH),
    noteLag,
    // Bodies with messages: never deferred by a burst, only the usual pause beside intake.
    messages: { ratio: base, batch: MESSAGES_BATCH },
  };
}

/**
 * With no user yet, a new one-time setup link (its token stored only hashed), logged once here and
 * printed once in the start-up banner; undefined once anyone can log in. The link uses the public
 * URL, unless the port was chosen by the system (0), where only the listening URL is right.
 */
async function printableSetupLink(runtime: Runtime, url: string, log: Logger): Promise<string | undefined> {
  const issued = await issueSetupToken(runtime.database.db, runtime.clock.now());
  if (!issued) return undefined;
  const link = setupLink(runtime.config.port === 0 ? url : runtime.config.publicUrl, issued.token);
  log.info({ setup_url: link, expires_at: issued.expiresAt.toISOString() }, 'no user yet: open the setup link to create the owner (it works once, for 24 hours)');
  return link;
}

/** Opens the runtime and starts the HTTP server and/or the worker for `role`. */
export async function startServer(config: Config, log: Logger, role: Role): Promise<RunningServer> {
  const runtime = await openRuntime(config, log);
  const { database, clock } = runtime;
  let app: FastifyInstance | undefined;
  let worker: SweepRunner | undefined;
  let control: ControlServer | undefined;
  let url: string | undefined;
  let setupUrl: string | undefined;
  const wiring = wire(database.db, runtime.masterKey, log, clock, { graphAllowedOrigins: config.graphAllowedOrigins, webhookAllowedOrigins: config.webhookAllowedOrigins, poolStats: database.poolStats });
  if (config.metricsToken) wiring.metrics.enableProcessMetrics();
  let metricsListener: { url: string; close(): Promise<void> } | undefined;
  useSingleOwnerCaches(database.kind === 'pglite');
  // The worker answers the preference keyword with a link to the hosted page: it must know the public URL too.
  configurePreferenceLinks(config.publicUrl);
  let webhookPoller: Poller | undefined;
  let messagePoller: Poller | undefined;
  let outboxPoller: Poller | undefined;
  let automationPoller: Poller | undefined;
  let conversationPoller: Poller | undefined;
  let autoReplyPoller: Poller | undefined;
  let growthPoller: Poller | undefined;
  let hookPoller: Poller | undefined;
  let inboxEvents: { close(): Promise<void> } | undefined;
  let unlistenWake: (() => Promise<void>) | undefined;
  // Paced outbox sends still on their way when the outbox loop moved on (awaited before the database closes).
  const outboxInFlight = new Set<Promise<void>>();
  let dispatcher: Dispatcher | undefined;
  let sandbox: Sandbox | undefined;
  // In-flight HTTP requests finish, queued webhook writes flush, the worker's current batch and
  // sweep finish, then the database closes. Used for shutdown and for a failed start alike.
  const stopAll = async () => {
    await sandbox?.close();
    await app?.close();
    await inboxEvents?.close();
    await wiring.webhooks.committer.close();
    await unlistenWake?.();
    await webhookPoller?.stop();
    await messagePoller?.stop();
    await automationPoller?.stop();
    await conversationPoller?.stop();
    await autoReplyPoller?.stop();
    await growthPoller?.stop();
    await hookPoller?.stop();
    await outboxPoller?.stop();
    await Promise.allSettled([...outboxInFlight]);
    await dispatcher?.stop();
    await worker?.stop();
    await metricsListener?.close();
    await control?.close();
    await runtime.close();
  };
  try {
    const uploadDir = await cleanUpAfterCrash(runtime, role, log);
    if (role !== 'worker') {
      // Why dynamic imports: the HTTP app (routes, OpenAPI) and the sandbox simulator are ~60 MB of
      // a process's memory; a `greenlist worker` serves no HTTP (its memory target is 256 MB).
      const { buildApp } = await import('../adapters/http/app.js');
      const { isSandboxWanted, startSandbox } = await import('./sandbox.js');
      const { createInboxEvents } = await import('../adapters/http/inbox-events.js');
      const live = createInboxEvents(database.listen, INBOX_CHANNEL, log);
      inboxEvents = live;
      app = await buildApp({
        inboxEvents: live,
        box: wiring.box,
        gateway: wiring.gateway,
        webhooks: wiring.webhooks,
        linkSign: wiring.linkSign,
        numbersChanged: wiring.numbersChanged,
        checkApiBaseUrl: wiring.checkApiBaseUrl,
        hooks: wiring.hooks,
        ...(uploadDir ? { uploadDir } : {}),
        db: database.db,
        ping: database.ping,
        clock,
        log,
        bodyLimitBytes: config.bodyLimitBytes,
        rateLimitPerKeyPerMinute: config.rateLimitPerKeyPerMinute,
        rateLimitPerIpPerMinute: config.rateLimitPerIpPerMinute,
        trustProxy: config.trustProxy,
        publicUrl: config.publicUrl,
        version: VERSION,
        bulkPacing: bulkPacingFor(database.kind),
        metrics: wiring.metrics,
        ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
      });
      url = await app.listen({ host: config.host, port: config.port });
      // The simulator calls this process's webhook URL, so it starts once the app listens.
      if (role === 'start' && (await isSandboxWanted(runtime, config.sandbox))) sandbox = await startSandbox(runtime, wiring, url, log);
      setupUrl = await printableSetupLink(runtime, url, log);
    }
    if (role === 'worker' && config.metricsToken) {
      // A worker serves no API: its sends and process figures get their own small listener.
      const { startMetricsListener } = await import('../adapters/metrics/metrics-listener.js');
      metricsListener = await startMetricsListener(wiring.metrics, config.metricsToken, config.host, config.metricsPort);
    }
    if (role !== 'api') {
      const intakeBusy = () => wiring.webhooks.committer.ratePerSecond() >= INTAKE_BURST_PER_S;
      worker = startSweepRunner({ db: database.db, log, clock, sweeps: allSweeps(log, bulkPacingFor(database.kind), { intakeBusy, importing: importsRunningHere }) });
      const processingYield = webhookProcessingYield(database.kind, role, wiring.webhooks.committer);
      webhookPoller = startPoller({
        name: 'webhooks',
        idleMs: 200,
        log,
        yieldRatio: processingYield.ratio,
        run: () => processPendingWebhooks({ db: database.db, parse: parseWebhook, log, now: clock.now(), onLag: processingYield.noteLag }, processingYield.batch(), undefined, 'all'),
      });
      // What people write (keywords, button replies, STOPs) first: its own small batches, woken by intake.
      messagePoller = startPoller({
        name: 'webhook-messages',
        idleMs: 250,
        log,
        yieldRatio: processingYield.messages.ratio,
        run: () => processPendingWebhooks({ db: database.db, parse: parseWebhook, log, now: clock.now() }, processingYield.messages.batch, undefined, 'messages'),
      });
      // Opt-out confirmations, welcomes and opt-in confirmations.
      // Broadcasts: claims, paced sends and outcomes, shared with any other worker through the database.
      dispatcher = startBroadcastDispatcher({
        db: database.db,
        box: wiring.box,
        gateway: wiring.gateway,
        log,
        clock,
        publicUrl: config.publicUrl,
        masterKey: runtime.masterKey,
        ...(database.kind === 'pglite' ? { maxRatePerNumber: PGLITE_MAX_SENDS_PER_S } : {}),
      });
      const upSince = clock.now();
      // A worker on PostgreSQL shares neither CPU nor a connection with intake: its bot loops (outbox,
      // automations) go round again at once after work; beside intake they pause as long as the pass took.
      const loopYield = database.kind === 'postgres' && role === 'worker' ? 0 : 1;
      outboxPoller = startPoller({ name: 'outbox', idleMs: 250, log, yieldRatio: loopYield, run: () => sendQueuedAutomated({ db: database.db, box: wiring.box, gateway: wiring.gateway, log, now: clock.now(), upSince, inFlight: outboxInFlight }) });
      // The inbox: conversations opened and bumped from new inbound messages (and NOTIFY for live views).
      conversationPoller = startPoller({ name: 'conversations', idleMs: 200, log, yieldRatio: 1, run: () => syncConversations({ db: database.db, log }) });
      // Auto-replies (greeting, away, keywords, FAQ, fallback) to new inbound messages, queued in the outbox above.
      autoReplyPoller = startPoller({ name: 'auto-replies', idleMs: 250, log, yieldRatio: 1, run: () => scanAutoReplies({ db: database.db, now: clock.now(), log }) });
      // List growth: ledger deltas folded into the analytics rollup (lag target 5 s; an idle pass is one cheap DELETE).
      growthPoller = startPoller({ name: 'analytics-growth', idleMs: 1000, log, yieldRatio: 1, run: async () => (await rollUpGrowth(database.db)) + (await rollUpCosts(database.db)) });
      // Automations: enrol from new events and grants, then run due steps (their sends go through the outbox above).
      automationPoller = startPoller({
        name: 'automations',
        idleMs: 250,
        log,
        yieldRatio: loopYield,
        // Why the first check: with no automation the loop costs one cheap query a pass, not a
        // sweep and a claim transaction (on PGlite's one connection those wait behind webhook work).
        run: async () =>
          (await hasLiveAutomations(database.db))
            ? (await scanAutomationTriggers({ db: database.db, now: clock.now(), log })) + (await scanPeriodicTriggers({ db: database.db, now: clock.now(), log })) + (await runDueAutomations({ db: database.db, now: clock.now(), log, links: { publicUrl: config.publicUrl, sign: wiring.linkSign } }, database.kind === 'pglite' ? AUTOMATION_BATCH.pglite : AUTOMATION_BATCH.postgres))
            : 0,
      });
      // Outbound webhooks: due deliveries claimed in batches (SKIP LOCKED + lease), signed and POSTed through the guard.
      hookPoller = startPoller({ name: 'outbound-webhooks', idleMs: 500, log, yieldRatio: loopYield, run: () => deliverDueWebhooks({ db: database.db, box: wiring.box, send: wiring.hooks.send, log, now: clock.now() }) });
      // Stored messages wake the engine, the inbox and auto-replies; queued answers the outbox (from this process or another, see modules/wake.ts).
      const woken: Record<WakeTarget, Poller[]> = { messages: [messagePoller], inbound: [automationPoller, conversationPoller, autoReplyPoller], outbox: [outboxPoller] };
      unlistenWake = await database.listen(WAKE_CHANNEL, (target) => woken[target as WakeTarget]?.forEach((p) => p.poke()));
    }
    if (runtime.lock) {
      const handlers = Object.fromEntries(Object.entries(ADMIN_COMMANDS).map(([name, cmd]) => [name, (args: Record<string, unknown>) => cmd(runtime, args)]));
      control = await startControlServer(handlers);
      await runtime.lock.update({ controlPort: control.port, controlToken: control.token });
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  // heap_limit_mb: what this isolate may grow to (a `greenlist worker` runs in a capped thread, see worker-thread.ts).
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1_048_576);
  log.info({ role, url, database: database.kind, version: VERSION, sandbox: sandbox?.url ?? null, thread: threadId, heap_limit_mb: heapLimitMb, metrics: metricsListener?.url ?? (config.metricsToken && url ? `${url}/metrics` : null) }, `Greenlist ${role} ready${url ? ` on ${url}` : ''}`);
  let stopping: Promise<void> | undefined;
  return {
    runtime,
    app,
    url,
    setupUrl,
    sandboxUrl: sandbox?.url,
    stop: () => (stopping ??= stopAll()),
  };
}
