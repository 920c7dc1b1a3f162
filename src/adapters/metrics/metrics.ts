// Operator metrics in Prometheus text format (prom-client). One registry per process (never the
// global default one), so tests can run several apps side by side. Labels carry only a business
// number's Meta phone_number_id and result codes: never a person's number, a token or a workspace's data.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { Db } from '../../modules/context.js';
import type { SendRequest, WhatsAppGateway } from '../../modules/messaging/index.js';
import { intakeBacklog } from '../../modules/inbound/index.js';
import { outboxDepth } from '../../modules/messaging/index.js';
import { queuedRecipients } from '../../modules/broadcasts/index.js';
import { automationTimers } from '../../modules/automations/index.js';
import { importProgress } from '../../modules/imports/index.js';
import { AppError } from '../../lib/errors.js';

/** Connections of the process's database pool (PGlite: its one in-process connection). */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/** What the scrape-time gauges read. */
export interface MetricsSources {
  db: Db;
  pool: () => PoolStats;
  /** Webhook bodies per second into this process over the last second (the group committer's meter). */
  intakeRate: () => number;
}

/** A process's metrics: counters fed as work happens, gauges read at scrape time. */
export interface Metrics {
  /** Called by webhook intake with the number of bodies it stored in one group commit. */
  webhooksStored(count: number): void;
  /** Called with each send's outcome: `accepted` (or Meta's message_status), a Meta error code, or our error code. */
  sendResult(phoneNumberId: string, result: string): void;
  /** Adds Node's process metrics (CPU, memory, event loop, GC) with the greenlist_ prefix; once. */
  enableProcessMetrics(): void;
  /** Reads the gauges (a few indexed counts) and renders the registry as Prometheus text. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

const PREFIX = 'greenlist_';

/** Builds a process's metrics on its own registry. */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const stored = new Counter({ name: `${PREFIX}webhooks_stored_total`, help: 'Webhook bodies stored (acknowledged to Meta) by this process', registers: [registry] });
  const sends = new Counter({ name: `${PREFIX}sends_total`, help: 'Cloud API send attempts by this process, by business number (Meta phone_number_id) and result', labelNames: ['phone_number_id', 'result'], registers: [registry] });
  new Gauge({ name: `${PREFIX}webhook_intake_per_second`, help: 'Webhook bodies per second into this process over the last second', registers: [registry], collect() { this.set(sources.intakeRate()); } });
  const g = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: `${PREFIX}${name}`, help, labelNames, registers: [registry] });
  const pending = g('webhooks_pending', 'Webhook bodies stored but not yet processed (all processes)');
  const lag = g('webhook_oldest_pending_seconds', 'Age of the oldest unprocessed webhook body (0 when none): the processing lag');
  const outbox = g('outbox_queued', 'Automated messages (confirmations, welcomes, auto-replies, automation sends) queued in the outbox');
  const recipients = g('broadcast_recipients_queued', 'Broadcast recipients queued to be sent');
  const runsWaiting = g('automation_runs_waiting', 'Automation runs active or waiting (their timers)');
  const runsDue = g('automation_runs_due', 'Automation runs whose next step is due now');
  const importsRunning = g('imports_running', 'CSV imports running');
  const importRows = g('import_rows_processed', 'Rows read so far by the running imports');
  const pool = g('db_pool_connections', "This process's database connections by state (PGlite: one in-process connection)", ['state']);
  let processMetrics = false;

  const readGauges = async () => {
    // One after another: on PGlite they share one connection anyway, and a scrape must not take a pool's worth of connections.
    const backlog = await intakeBacklog(sources.db);
    pending.set(backlog.pending);
    lag.set(backlog.oldestPendingSeconds);
    outbox.set(await outboxDepth(sources.db));
    recipients.set(await queuedRecipients(sources.db));
    const runs = await automationTimers(sources.db);
    runsWaiting.set(runs.waiting);
    runsDue.set(runs.due);
    const imports = await importProgress(sources.db);
    importsRunning.set(imports.running);
    importRows.set(imports.rows);
    const p = sources.pool();
    for (const state of ['total', 'idle', 'waiting', 'max'] as const) pool.set({ state }, p[state]);
  };

  return {
    webhooksStored: (count) => stored.inc(count),
    sendResult: (phoneNumberId, result) => sends.inc({ phone_number_id: phoneNumberId, result }),
    enableProcessMetrics() {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register: registry, prefix: PREFIX });
    },
    async scrape() {
      await readGauges();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** The result label of a failed send: Meta's error code when it gave one, else our error code. */
function failureLabel(err: unknown): string {
  if (err instanceof AppError) {
    const meta = (err.details as { meta_code?: unknown } | undefined)?.meta_code;
    return typeof meta === 'number' ? String(meta) : err.code;
  }
  return 'error';
}

/** The gateway with each send's outcome counted (by the number's Meta id and the result). */
export function countingGateway(gateway: WhatsAppGateway, metrics: Pick<Metrics, 'sendResult'>): WhatsAppGateway {
  return {
    ...gateway,
    async sendMessage(creds, req: SendRequest) {
      try {
        const res = await gateway.sendMessage(creds, req);
        metrics.sendResult(creds.phoneNumberId, res.messageStatus);
        return res;
      } catch (err) {
        metrics.sendResult(creds.phoneNumberId, failureLabel(err));
        throw err;
      }
    },
  };
}
