import type { Logger } from 'pino';
import { randomToken } from '../lib/secrets.js';
import { connectNumber, findSandboxNumber, hasRealNumbers, numberSecrets, setSandboxApiBase } from '../modules/numbers/index.js';
import { findWorkspaceBySlug } from '../modules/workspaces/index.js';
import { createSimulator, DEFAULT_NUMBER, type Simulator } from '../simulator/index.js';
import type { Wiring } from './wiring.js';
import type { Runtime } from './runtime.js';

/** The running sandbox: the simulator and the number connected to it. */
export interface Sandbox {
  simulator: Simulator;
  url: string;
  numberId: string;
  close(): Promise<void>;
}

/** Sandbox mode is on when asked for, or (auto) when no real WhatsApp number is connected anywhere. */
export async function isSandboxWanted(rt: Runtime, setting: 'auto' | 'on' | 'off'): Promise<boolean> {
  if (setting !== 'auto') return setting === 'on';
  return !(await hasRealNumbers(rt.database.db));
}

/**
 * Starts the bundled Cloud API simulator on loopback and makes sure the `default` workspace has a
 * sandbox number pointing at it. The number's token and secrets are random, stored sealed like a
 * real number's, and handed to the simulator, so the real adapter, signatures and webhooks are
 * exercised end to end without a Meta account.
 */
export async function startSandbox(rt: Runtime, wiring: Wiring, appUrl: string, log: Logger): Promise<Sandbox> {
  const db = rt.database.db;
  const ws = await findWorkspaceBySlug(db, 'default');
  if (!ws) throw new Error('the default workspace is missing');
  const ctx = { db, workspaceId: ws.id, actor: { type: 'system' as const, id: null, role: 'owner' as const }, now: rt.clock.now(), log };
  let number = await findSandboxNumber(ctx);
  if (!number) {
    number = await db.transaction((tx) =>
      connectNumber(
        { ...ctx, db: tx },
        wiring.box,
        {
          phone_number_id: DEFAULT_NUMBER.phoneNumberId,
          waba_id: DEFAULT_NUMBER.wabaId,
          display_number: `+${DEFAULT_NUMBER.displayNumber}`,
          access_token: `sandbox-${randomToken(24)}`,
          app_secret: randomToken(24),
          verify_token: randomToken(18),
          api_base_url: 'http://127.0.0.1:1',
          messaging_limit_tier: 'TIER_UNLIMITED',
        },
        { isSandbox: true },
      ),
    );
  }
  const secrets = (await numberSecrets(ctx, wiring.box, number.id))!;
  const simulator = createSimulator({
    seed: ws.id,
    phoneNumbers: [{ phoneNumberId: secrets.phoneNumberId, wabaId: number.waba_id, displayNumber: DEFAULT_NUMBER.displayNumber, accessToken: secrets.accessToken, mps: number.throughput_mps, messagingLimitTier: 'TIER_UNLIMITED' }],
    appSecret: secrets.appSecret,
    verifyToken: secrets.verifyToken,
    webhookUrl: `${appUrl}/webhooks/whatsapp`,
  });
  const url = await simulator.listen(rt.config.simulatorPort, '127.0.0.1');
  // Sandbox mode is configuration: the simulator's loopback origin is trusted by this process,
  // never by a request (the API still refuses it as a number's api_base_url).
  wiring.outbound.trust(url);
  // The simulator may listen on another port than last time (GREENLIST_SIMULATOR_PORT=0).
  if (number.api_base_url !== url) await setSandboxApiBase(ctx, number.id, url);
  const stopSync = keepSimulatorInStep(simulator, () => numberSecrets({ ...ctx, now: rt.clock.now() }, wiring.box, number.id), secrets, wiring.numbersChanged, log, () =>
    // This process's intake must check the simulator's next signature with the same new secret.
    wiring.webhooks.secrets.invalidate(),
  );
  log.info({ simulator: url, phoneNumberId: secrets.phoneNumberId }, 'sandbox mode: the WhatsApp Cloud API simulator answers for the default workspace');
  return {
    simulator,
    url,
    numberId: number.id,
    close: async () => {
      stopSync();
      await simulator.close();
    },
  };
}

type NumberSecrets = NonNullable<Awaited<ReturnType<typeof numberSecrets>>>;

// Often enough that a rotation made through another process (`greenlist api`) reaches the
// simulator within a second; one primary-key read.
const SYNC_INTERVAL_MS = 1_000;

/**
 * Hands the sandbox number's secrets to the simulator whenever they change (a PATCH rotating
 * app_secret, access_token or verify_token): at once when the change was made in this process,
 * else on the next poll. Without this the simulator keeps signing with the old app secret and
 * every webhook answers 401. Returns the stop function.
 */
export function keepSimulatorInStep(
  simulator: Pick<Simulator, 'configure'>,
  read: () => Promise<NumberSecrets | undefined>,
  initial: NumberSecrets,
  changes: { subscribe(fn: () => Promise<void>): () => void },
  log: Logger,
  onSynced: () => void = () => {},
): () => void {
  let last = initial;
  let running: Promise<void> | undefined;
  let again = false;
  const sync = async (): Promise<void> => {
    const now = await read();
    if (!now || (now.accessToken === last.accessToken && now.appSecret === last.appSecret && now.verifyToken === last.verifyToken)) return;
    simulator.configure({ appSecret: now.appSecret, verifyToken: now.verifyToken, numbers: { [now.phoneNumberId]: { accessToken: now.accessToken } } });
    last = now;
    onSynced();
    log.info({ phoneNumberId: now.phoneNumberId }, 'sandbox: the simulator now uses the rotated secrets of the sandbox number');
  };
  // One sync at a time; a change noticed meanwhile runs one more (and its caller waits for it).
  const kick = (): Promise<void> => {
    if (running) {
      again = true;
      return running.then(() => running ?? Promise.resolve());
    }
    running = sync()
      .catch((err: unknown) => log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'sandbox: could not read the sandbox number to sync the simulator'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void kick();
        }
      });
    return running;
  };
  const unsubscribe = changes.subscribe(kick);
  const timer = setInterval(() => void kick(), SYNC_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
