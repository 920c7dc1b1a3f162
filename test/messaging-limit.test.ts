// The messaging limit (Meta: unique people a business portfolio reaches outside a customer service
// window per moving 24 h, shared by all its numbers). Each outbound message records at send time
// whether a window was open; the count covers every sender and every number of the workspace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { messagingLimitUsed, recordBroadcastMessages, recordOutboundMessage, touchServiceWindow } from '../src/modules/messaging/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { registerNumber } from './helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const NOW = new Date('2026-12-06T12:00:00Z');
const HOUR = 3_600_000;

async function contactIn(key: string, phone: string): Promise<string> {
  const res = await t.call(key, { method: 'POST', url: '/api/v1/contacts', payload: { phone } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('messaging limit accounting', () => {
  it('counts unique people reached outside a service window in 24 h, over every number and sender of the workspace, and nobody else', async () => {
    const shop = await t.tenant('limit-shop');
    const other = await t.tenant('limit-other');
    const spec = (n: number) => ({ phoneNumberId: `71000${n}`, wabaId: `72000${n}`, displayNumber: `+1555010${n}`, accessToken: 'EAAtoken-limit-test', appSecret: 'app-secret-limit', verifyToken: 'verify-limit-test' });
    const first = await registerNumber(t, shop.key, spec(1));
    const second = await registerNumber(t, shop.key, spec(2));
    const elsewhere = await registerNumber(t, other.key, spec(3));
    const phones = ['+14155550101', '+14155550102', '+14155550103', '+14155550104', '+14155550105'];
    const [writer, quiet1, quiet2, old, outboxed] = await Promise.all(phones.map((p) => contactIn(shop.key, p)));
    const waId = (i: number) => phones[i]!.slice(1);
    const broadcastId = randomUUID();
    const send = (contactId: string, i: number, numberId: string, at: Date) => ({
      id: randomUUID(), workspaceId: shop.workspaceId, numberId, contactId, waId: waId(i), body: 'template offers (en)', payload: {}, wamid: `wamid.${randomUUID()}`, callbackData: `b:${i}`, broadcastId, sentAt: at, marketing: true,
    });

    // The writer opened a window on the first number an hour ago: a template to them there is a service message.
    await touchServiceWindow(t.db, { workspaceId: shop.workspaceId, numberId: first, waId: waId(0), at: new Date(NOW.getTime() - HOUR) });
    await recordBroadcastMessages(t.db, [send(writer!, 0, first, NOW), send(quiet1!, 1, first, NOW), send(quiet2!, 2, second, NOW), send(quiet1!, 1, second, NOW)], NOW);
    // 25 hours ago: out of the moving window.
    await recordBroadcastMessages(t.db, [send(old!, 3, first, new Date(NOW.getTime() - 25 * HOUR))], NOW);
    // A welcome from the outbox after a web-form opt-in (nobody wrote to us): business-initiated too.
    await recordOutboundMessage(t.db, { workspaceId: shop.workspaceId, numberId: second, contactId: outboxed!, waId: waId(4), type: 'template', body: 'welcome', payload: {}, wamid: null, callbackData: 'o:1', sentAt: NOW });
    // A reply inside the writer's window (the outbox answering their message): not counted.
    await recordOutboundMessage(t.db, { workspaceId: shop.workspaceId, numberId: first, contactId: writer!, waId: waId(0), type: 'text', body: 'thanks', payload: {}, wamid: null, callbackData: 'o:2', sentAt: NOW });
    // Another workspace's sends never count here.
    const stranger = await contactIn(other.key, '+14155550199');
    await recordOutboundMessage(t.db, { workspaceId: other.workspaceId, numberId: elsewhere, contactId: stranger, waId: '14155550199', type: 'template', body: 'hi', payload: {}, wamid: null, callbackData: 'o:3', sentAt: NOW });

    // quiet1 (twice, on two numbers), quiet2 and the outboxed welcome: 3 people.
    expect(await messagingLimitUsed(t.db, shop.workspaceId, NOW)).toBe(3);
    expect(await messagingLimitUsed(t.db, other.workspaceId, NOW)).toBe(1);
    // A day later all of them have rolled out of the window.
    expect(await messagingLimitUsed(t.db, shop.workspaceId, new Date(NOW.getTime() + 24 * HOUR + 1_000))).toBe(0);
  });
});
