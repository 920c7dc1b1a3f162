import type { Logger } from 'pino';
import { randomToken } from '../lib/secrets.js';
import { connectNumber, credentialsFor, findSandboxNumber, hasRealNumbers, listIntakeNumbers, setSandboxApiBase } from '../modules/numbers/index.js';
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
  const creds = await credentialsFor(ctx, wiring.box, number.id);
  const intake = (await listIntakeNumbers(db, wiring.box)).find((n) => n.id === number.id)!;
  const simulator = createSimulator({
    seed: ws.id,
    phoneNumbers: [{ phoneNumberId: creds.phoneNumberId, wabaId: creds.wabaId, displayNumber: DEFAULT_NUMBER.displayNumber, accessToken: creds.accessToken, mps: number.throughput_mps, messagingLimitTier: 'TIER_UNLIMITED' }],
    appSecret: intake.appSecret,
    verifyToken: intake.verifyToken,
    webhookUrl: `${appUrl}/webhooks/whatsapp`,
  });
  const url = await simulator.listen(rt.config.simulatorPort, '127.0.0.1');
  // The simulator may listen on another port than last time (GREENLIST_SIMULATOR_PORT=0).
  if (number.api_base_url !== url) await setSandboxApiBase(ctx, number.id, url);
  log.info({ simulator: url, phoneNumberId: creds.phoneNumberId }, 'sandbox mode: the WhatsApp Cloud API simulator answers for the default workspace');
  return { simulator, url, numberId: number.id, close: () => simulator.close() };
}
