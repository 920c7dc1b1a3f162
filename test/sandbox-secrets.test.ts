import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/lib/logger.js';
import { startSandbox, type Sandbox } from '../src/entrypoints/sandbox.js';
import type { Runtime } from '../src/entrypoints/runtime.js';
import { credentialsFor, updateNumber } from '../src/modules/numbers/index.js';
import { createApiKey, ensureDefaultWorkspace } from '../src/modules/workspaces/index.js';
import type { Ctx } from '../src/modules/context.js';
import { createTestApp, type TestApp } from './helpers/app.js';

// Issue 12 item 20: rotating the sandbox number's secrets must not leave the running simulator on
// the old ones (its webhooks would answer 401 for good, its sends would be refused).
let t: TestApp;
let sandbox: Sandbox;
let ctx: Ctx;
let key: string;

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  const log = silentLogger();
  const ws = await ensureDefaultWorkspace(t.db, { now: new Date(), log });
  ctx = { db: t.db, workspaceId: ws.id, actor: { type: 'cli', id: null, role: 'owner' }, now: new Date(), log };
  key = (await createApiKey(ctx, { name: 'sandbox-owner', role: 'owner' })).key;
  const rt = { database: t.testDb.database, clock: { now: () => new Date() }, config: { simulatorPort: 0 } } as unknown as Runtime;
  sandbox = await startSandbox(rt, t.wiring, appUrl, log);
  sandbox.simulator.configure({ population: { offlineRate: 0, replyRate: 0, stopRate: 0, preferenceStopRate: 0 } });
});
afterAll(async () => {
  await sandbox?.close();
  await t.close();
});

/** Sends one inbound message through the simulator and returns the HTTP status its webhook got. */
async function inboundStatus(text: string): Promise<number | undefined> {
  sandbox.simulator.inbound({ from: '+14155550123', text });
  await sandbox.simulator.webhooksIdle().catch(() => undefined);
  for (let i = 0; i < 50; i++) {
    const rec = sandbox.simulator.webhookLog().filter((r) => r.events.some((e) => e.startsWith('messages:inbound'))).at(-1);
    const status = rec?.attempts[0]?.status;
    if (status !== undefined) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

describe('sandbox secret rotation', () => {
  it('keeps the simulator in step with a PATCH of app_secret and access_token', async () => {
    expect(await inboundStatus('before')).toBe(200);
    const res = await t.call(key, { method: 'PATCH', url: `/api/v1/phone-numbers/${sandbox.numberId}`, payload: { app_secret: 'rotated-app-secret-1', access_token: 'sandbox-rotated-token-0001' } });
    expect(res.statusCode).toBe(200);
    expect(await inboundStatus('after rotation')).toBe(200);
    // Sends with the new token are accepted by the simulator.
    const creds = await credentialsFor(ctx, t.wiring.box, sandbox.numberId);
    expect(creds.accessToken).toBe('sandbox-rotated-token-0001');
    const sent = await t.wiring.gateway.sendMessage(creds, { to: '+14155550123', message: { type: 'text', text: 'hello again' }, callbackData: 'rotation-check' });
    expect(sent.wamid).toMatch(/^wamid\./);
  });

  it('follows a rotation made elsewhere (another process) within a few seconds', async () => {
    // Straight through the module: no request in this process announces the change.
    await updateNumber(ctx, t.wiring.box, sandbox.numberId, { app_secret: 'rotated-app-secret-2', verify_token: 'rotated-verify-token-2' });
    let verifyToken: unknown;
    for (let i = 0; i < 60 && verifyToken !== 'rotated-verify-token-2'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      verifyToken = (await sandbox.simulator.app.inject({ method: 'GET', url: '/_sim/config' })).json().verify_token;
    }
    expect(verifyToken).toBe('rotated-verify-token-2');
    expect(await inboundStatus('after the second rotation')).toBe(200);
    expect((await sandbox.simulator.verifyWebhook()).ok).toBe(true);
  });
});
