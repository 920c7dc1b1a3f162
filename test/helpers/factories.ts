// Test factories: setup that many test files need, written once (issue 14, item 7). Each one goes
// through the public API, as a client would, and asserts the answer it relies on.
import { expect } from 'vitest';
import { parseWebhook } from '../../src/adapters/whatsapp/webhook-parse.js';
import { silentLogger } from '../../src/lib/logger.js';
import { processPendingWebhooks } from '../../src/modules/inbound/index.js';
import { sendQueuedAutomated } from '../../src/modules/messaging/index.js';
import { createSimulator, QUIET_KNOBS, type DeepPartial, type SimKnobs, type Simulator, type TemplateSeed } from '../../src/simulator/index.js';
import type { TestApp } from './app.js';

/** A business number as the simulator and the app both know it. */
export interface SimNumberSpec {
  /** Seeds the simulator's population and dice. */
  seed: string;
  number: { phoneNumberId: string; wabaId: string; accessToken: string };
  displayNumber: string;
  appSecret: string;
  verifyToken: string;
  /** Where the simulator posts webhooks: the app's `/webhooks/whatsapp` on loopback, or nowhere that answers. */
  webhookUrl: string;
  /** Behaviour knobs (default: QUIET_KNOBS, no random failures or replies). */
  knobs?: DeepPartial<SimKnobs>;
  /** Templates to preload (APPROVED unless stated). */
  templates?: TemplateSeed[];
}

/** A business number's fields as POST /phone-numbers takes them. */
export interface NumberSpec {
  phoneNumberId: string;
  wabaId: string;
  displayNumber: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  /** Where its Cloud API calls go (default: a loopback port where nothing answers, for tests that send nothing). */
  apiBaseUrl?: string;
}

/** Connects a business number to the tenant with POST /phone-numbers (expects 201); returns its id. */
export async function registerNumber(t: TestApp, key: string, n: NumberSpec): Promise<string> {
  const res = await t.call(key, {
    method: 'POST',
    url: '/api/v1/phone-numbers',
    payload: {
      phone_number_id: n.phoneNumberId,
      waba_id: n.wabaId,
      display_number: n.displayNumber,
      access_token: n.accessToken,
      app_secret: n.appSecret,
      verify_token: n.verifyToken,
      api_base_url: n.apiBaseUrl ?? 'http://127.0.0.1:9',
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** The simulator and the id of the number connected to it. */
export interface SimNumber {
  sim: Simulator;
  numberId: string;
}

/** Starts a simulator for one number (time scale 0.01) and connects that number to the tenant with POST /phone-numbers. */
export async function connectSimNumber(t: TestApp, key: string, spec: SimNumberSpec): Promise<SimNumber> {
  const sim = createSimulator({
    seed: spec.seed,
    phoneNumbers: [spec.number],
    appSecret: spec.appSecret,
    verifyToken: spec.verifyToken,
    webhookUrl: spec.webhookUrl,
    timeScale: 0.01,
    knobs: spec.knobs ?? QUIET_KNOBS,
    ...(spec.templates ? { templates: spec.templates } : {}),
  });
  const apiBaseUrl = await sim.listen(0);
  const numberId = await registerNumber(t, key, { ...spec.number, displayNumber: spec.displayNumber, appSecret: spec.appSecret, verifyToken: spec.verifyToken, apiBaseUrl });
  return { sim, numberId };
}

/** Creates topics through the API (each must answer 201). */
export async function createTopics(t: TestApp, key: string, topics: { key: string; name: string; category: 'marketing' | 'utility' }[]): Promise<void> {
  for (const topic of topics) expect((await t.call(key, { method: 'POST', url: '/api/v1/topics', payload: topic })).statusCode).toBe(201);
}

/** A contact created through the API and granted each topic (source `api`, with this evidence); returns its id. */
export async function subscriber(t: TestApp, key: string, phone: string, opts: { topics: string[]; evidence: Record<string, unknown>; language?: string }): Promise<string> {
  const c = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone, ...(opts.language ? { language: opts.language } : {}) } });
  expect(c.statusCode, c.body).toBe(201);
  const id = c.json().id as string;
  for (const topic of opts.topics) {
    const res = await t.call(key, { method: 'POST', url: `/api/v1/contacts/${id}/consent`, payload: { topic, action: 'grant', source: 'api', evidence: opts.evidence } });
    expect(res.statusCode, res.body).toBe(201);
  }
  return id;
}

/**
 * Lets the simulator finish its (time-scaled) status timers and webhook deliveries, then processes
 * what arrived, three rounds; with `outbox`, also sends the queued automated messages each round.
 */
export async function settleSim(t: TestApp, sim: Simulator, opts: { pauseMs?: number; outbox?: boolean } = {}): Promise<void> {
  const log = silentLogger();
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, opts.pauseMs ?? 100));
    await sim.webhooksIdle();
    while ((await processPendingWebhooks({ db: t.db, parse: parseWebhook, log, now: new Date() })) > 0);
    if (opts.outbox) while ((await sendQueuedAutomated({ db: t.db, box: t.wiring.box, gateway: t.wiring.gateway, log, now: new Date() })) > 0);
  }
}
