import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCloudApiClient } from '../src/adapters/whatsapp/cloud-api-client.js';
import { AppError } from '../src/lib/errors.js';
import { createOutboundFetch, parseAllowedOrigins } from '../src/lib/outbound/index.js';
import type { NumberCredentials } from '../src/modules/messaging/index.js';

// A raw loopback server that answers each request as the test scripts it, to pin down how the
// adapter classifies what the Cloud API (or the network) does.
let server: Server;
let base: string;
let next: (req: IncomingMessage, body: string, res: ServerResponse) => void = () => undefined;
const seen: { url: string; body: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', body, auth: req.headers.authorization });
      next(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = (): NumberCredentials => ({ phoneNumberId: '1065403522', wabaId: '1022901293', accessToken: 'EAAG-secret', apiBaseUrl: base, apiVersion: 'v23.0' });
const json = (status: number, value: unknown) => (_req: IncomingMessage, _b: string, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};
const graphError = (code: number, status = 400) => json(status, { error: { message: `(#${code}) title`, type: 'OAuthException', code, fbtrace_id: 'X' } });

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('Cloud API client', () => {
  // The raw server listens on loopback: allowed as an operator would (GREENLIST_GRAPH_ALLOWED_ORIGINS).
  const client = createCloudApiClient({ timeoutMs: 300, outbound: createOutboundFetch({ allowed: parseAllowedOrigins('http://127.0.0.1:*'), reach: 'graph' }) });

  it('sends a template with callback data and returns the wamid and wa_id', async () => {
    next = json(200, { messaging_product: 'whatsapp', contacts: [{ input: '+5511999990001', wa_id: '551199990001' }], messages: [{ id: 'wamid.ABC', message_status: 'accepted' }] });
    const res = await client.sendMessage(creds(), {
      to: '+5511999990001',
      callbackData: 'send-row-1',
      message: { type: 'template', name: 'promo', language: 'pt_BR', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }] },
    });
    expect(res).toEqual({ wamid: 'wamid.ABC', waId: '551199990001', messageStatus: 'accepted' });
    const last = seen.at(-1)!;
    expect(last.url).toBe('/v23.0/1065403522/messages');
    expect(last.auth).toBe('Bearer EAAG-secret');
    expect(JSON.parse(last.body)).toMatchObject({ messaging_product: 'whatsapp', to: '+5511999990001', biz_opaque_callback_data: 'send-row-1', type: 'template', template: { name: 'promo', language: { code: 'pt_BR' } } });
  });

  it('classifies Graph errors by code, never by HTTP status or title', async () => {
    const cases: [number, string, string][] = [
      [130429, 'WHATSAPP_RATE_LIMITED', 'transient'],
      [131056, 'WHATSAPP_PAIR_RATE_LIMITED', 'pacing'],
      [131049, 'WHATSAPP_ECOSYSTEM_LIMITED', 'long_delay'],
      [131047, 'WHATSAPP_WINDOW_CLOSED', 'permanent_content'],
      [132001, 'WHATSAPP_TEMPLATE_REJECTED', 'permanent_content'],
      [190, 'WHATSAPP_AUTH_FAILED', 'permanent_account'],
      [131000, 'WHATSAPP_SEND_UNCERTAIN', 'uncertain'],
    ];
    for (const [code, appCode, retry] of cases) {
      next = graphError(code);
      const err = await failure(client.sendMessage(creds(), { to: '1', callbackData: 'x', message: { type: 'text', text: 'hi' } }));
      expect([err.code, err.retry, err.details?.meta_code]).toEqual([appCode, retry, code]);
      expect(err.message).not.toContain('title');
    }
  });

  it('says "not sent" when the connection is refused and "may have been sent" after a timeout', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = await failure(client.sendMessage({ ...creds(), apiBaseUrl: `http://127.0.0.1:${closedPort}` }, { to: '1', callbackData: 'x', message: { type: 'text', text: 'hi' } }));
    expect([refused.code, refused.retry]).toEqual(['WHATSAPP_CONNECTION_FAILED', 'transient']);
    next = () => undefined; // accept the request, never answer
    const hung = await failure(client.sendMessage(creds(), { to: '1', callbackData: 'x', message: { type: 'text', text: 'hi' } }));
    expect([hung.code, hung.retry]).toEqual(['WHATSAPP_SEND_UNCERTAIN', 'uncertain']);
    next = (_r, _b, res) => res.socket?.destroy();
    const reset = await failure(client.sendMessage(creds(), { to: '1', callbackData: 'x', message: { type: 'text', text: 'hi' } }));
    expect(reset.retry).toBe('uncertain');
    next = (_r, _b, res) => (res.writeHead(502), res.end('bad gateway'));
    expect((await failure(client.sendMessage(creds(), { to: '1', callbackData: 'x', message: { type: 'text', text: 'hi' } }))).retry).toBe('uncertain');
    expect((await failure(client.getNumberInfo(creds()))).retry).toBe('transient');
  });

  it('marks messages read and manages templates', async () => {
    next = json(200, { success: true });
    await client.markRead(creds(), 'wamid.IN', true);
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN', typing_indicator: { type: 'text' } });
    next = json(200, { data: [{ id: '9', name: 'promo', language: 'en_US', status: 'APPROVED', category: 'MARKETING', components: [] }], paging: { cursors: { after: 'AFT' } } });
    const page = await client.listTemplates(creds());
    expect(page.data[0]).toMatchObject({ id: '9', name: 'promo', status: 'APPROVED' });
    expect(page.after).toBeUndefined();
    next = json(200, { id: '77', status: 'PENDING', category: 'UTILITY' });
    expect(await client.createTemplate(creds(), { name: 'order', language: 'en_US', category: 'UTILITY', components: [] })).toEqual({ id: '77', status: 'PENDING', category: 'UTILITY' });
    next = json(200, { success: true });
    await client.deleteTemplate(creds(), 'order', '77');
    expect(seen.at(-1)!.url).toBe('/v23.0/1022901293/message_templates?name=order&hsm_id=77');
  });
});
