// Admin app first-load benchmark (issue 19: "every page's first load ≤ 1 s on loopback"): a running
// Greenlist (`greenlist start` on PGlite, as a shop owner runs it) with a few hundred contacts.
// Chromium loads the login page cold, logs in, then opens every tab twice (the first visit fetches
// everything the tab needs). Each figure runs from the click to the last response of the requests
// it started. Raw baseline in the same run: the browser navigating to /readyz.
// Run: node --import tsx bench/admin-ui.ts
import type { Page, Request } from 'playwright-core';
import { launchChromium } from '../test/ui/browser.js';
import { createApiKey, freePort, isMain, median, ms, printChecks, printMachine, printTable, spawnGreenlist, tempDataDir, waitReady, type Check } from './lib.js';

const CONTACTS = Number(process.env.ADMIN_UI_BENCH_CONTACTS ?? 300);
const TARGET_MS = 1_000;
const PASSWORD = 'a long enough passphrase';

/** Time from `act` to the last response of the requests it started (polling for 300 ms of quiet). */
async function timed(page: Page, act: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let inflight = 0;
  // Live streams (the inbox's EventSource) never finish: they are not part of a page's load.
  const counted = (r: Request) => r.resourceType() !== 'eventsource' && !r.url().includes('/stream');
  const onReq = (r: Request) => {
    if (counted(r)) inflight++;
  };
  const onDone = (r: Request) => {
    if (!counted(r)) return;
    inflight = Math.max(0, inflight - 1);
    last = performance.now();
  };
  page.on('request', onReq);
  page.on('requestfinished', onDone);
  page.on('requestfailed', onDone);
  const t0 = performance.now();
  last = t0;
  await act();
  // Quiet for 300 ms, or 10 s at most (a page that polls would never be quiet).
  while (performance.now() - t0 < 10_000) {
    await new Promise((r) => setTimeout(r, 50));
    if (inflight === 0 && performance.now() - last > 300) break;
  }
  page.off('request', onReq);
  page.off('requestfinished', onDone);
  page.off('requestfailed', onDone);
  return last - t0;
}

/** Runs the benchmark and returns its figures. */
export async function runAdminUiBench(): Promise<Check[]> {
  printMachine();
  const data = await tempDataDir('admin-ui');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { GREENLIST_DATA_DIR: data.dir, GREENLIST_PORT: String(port) };
  const proc = spawnGreenlist(['start'], env);
  const browser = await launchChromium();
  try {
    await waitReady(proc, base);
    await proc.waitForOutput(/Greenlist is running/);
    const key = await createApiKey(env);
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const user = await api('POST', '/users', { email: 'owner@bench.example', role: 'admin', password: PASSWORD });
    if (!user.ok) throw new Error(`user create: ${user.status} ${await user.text()}`);
    const slug = ((await (await api('GET', '/workspace')).json()) as { slug: string }).slug;
    for (let i = 0; i < CONTACTS; i++) await api('POST', '/contacts', { phone: `+4477009${String(i).padStart(5, '0')}`, name: `Person ${i}`, tags: i % 3 === 0 ? ['vip'] : [] });

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const raw: number[] = [];
    for (let i = 0; i < 5; i++) raw.push(await timed(page, () => page.goto(`${base}/readyz`)));
    const loginPage = await timed(page, async () => {
      await page.goto(`${base}/`);
      await page.getByLabel('Workspace').waitFor();
    });
    await page.getByLabel('Workspace').fill(slug);
    await page.getByLabel('Email').fill('owner@bench.example');
    await page.getByLabel('Password').fill(PASSWORD);
    const overview = await timed(page, () => page.getByRole('button', { name: 'Log in' }).click());
    const nav = page.getByRole('navigation', { name: 'Sections' });
    await nav.waitFor();
    const tabs = (await nav.getByRole('button').allTextContents()).map((t) => t.trim());
    const first = new Map<string, number>();
    const again = new Map<string, number>();
    for (const round of [first, again]) {
      for (const tab of tabs) round.set(tab, await timed(page, () => nav.getByRole('button', { name: tab, exact: true }).click()));
    }
    printTable(
      ['page', 'first visit', 'second visit'],
      [['login page (cold)', ms(loginPage), '–'], ['log in → Overview', ms(overview), '–'], ...tabs.map((t) => [t, ms(first.get(t)!), ms(again.get(t)!)])],
    );
    const [worstName, worst] = [['login page', loginPage], ['log in → Overview', overview], ...first.entries()].sort((a, b) => (b[1] as number) - (a[1] as number))[0] as [string, number];
    return [
      { name: 'raw: browser navigation to /readyz (median of 5)', value: ms(median(raw)) },
      { name: `tabs' first load, median of ${tabs.length}`, value: ms(median([...first.values()])) },
      { name: `slowest first load (${worstName})`, value: ms(worst), target: `≤ ${ms(TARGET_MS)}`, met: worst <= TARGET_MS },
    ];
  } finally {
    await browser.close();
    await proc.stop('SIGINT');
    await data.cleanup();
  }
}

if (isMain(import.meta.url)) {
  const checks = await runAdminUiBench();
  printChecks('Admin app first load (PGlite, one process, loopback)', checks);
}
