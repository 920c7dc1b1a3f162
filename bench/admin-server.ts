// The admin-app benchmarks' shared set-up: `greenlist start` on a data directory, an admin user made
// through the API with a fresh key, and a Chromium to drive it.
import type { Browser } from 'playwright-core';
import { launchChromium } from '../test/ui/browser.js';
import { createApiKey, freePort, spawnGreenlist, waitReady } from './lib.js';

/** The admin user's password in the admin-app benchmarks. */
export const ADMIN_PASSWORD = 'a long enough passphrase';
/** The admin user's email in the admin-app benchmarks. */
export const ADMIN_EMAIL = 'owner@bench.example';

/** A running server with an admin user, its workspace slug, an API caller and a browser. */
export interface AdminServer {
  base: string;
  slug: string;
  browser: Browser;
  api: (method: string, path: string, body?: unknown) => Promise<Response>;
  stop: () => Promise<void>;
}

/** Starts `greenlist start` on `dir`, waits until it serves, makes the admin user and opens Chromium. */
export async function startAdminServer(dir: string): Promise<AdminServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { GREENLIST_DATA_DIR: dir, GREENLIST_PORT: String(port) };
  const proc = spawnGreenlist(['start'], env);
  const browser = await launchChromium();
  const stop = async () => {
    await browser.close();
    await proc.stop('SIGINT');
  };
  try {
    await waitReady(proc, base, 180_000);
    await proc.waitForOutput(/Greenlist is running/);
    const key = await createApiKey(env);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const user = await api('POST', '/users', { email: ADMIN_EMAIL, role: 'admin', password: ADMIN_PASSWORD });
    if (!user.ok) throw new Error(`user create: ${user.status} ${await user.text()}`);
    const slug = ((await (await api('GET', '/workspace')).json()) as { slug: string }).slug;
    return { base, slug, browser, api, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
