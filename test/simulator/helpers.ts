import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { vi } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';

/** The default sandbox number and its token. */
export const PHONE_ID = '106540352242922';
export const WABA_ID = '102290129340398';
export const TOKEN = 'sim-access-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

/** One request the receiver got, with the exact bytes. */
export interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A tiny webhook receiver on loopback that records raw bodies; `respond` picks the status per POST. */
export async function startReceiver(respond: (postIndex: number) => number = () => 200, verifyToken = 'sim-verify-token') {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks) };
      hits.push(hit);
      if (req.method === 'GET') {
        const q = new URL(hit.url, 'http://x').searchParams;
        const ok = q.get('hub.mode') === 'subscribe' && q.get('hub.verify_token') === verifyToken;
        res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' }).end(ok ? (q.get('hub.challenge') ?? '') : 'forbidden');
        return;
      }
      res.writeHead(respond(hits.filter((h) => h.method === 'POST').length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`;
  return {
    url,
    hits,
    posts: () => hits.filter((h) => h.method === 'POST'),
    /** Parsed bodies of all POSTs. */
    bodies: () => hits.filter((h) => h.method === 'POST').map((h) => JSON.parse(h.raw.toString('utf8')) as Envelope),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The webhook envelope shape tests read. */
export interface Envelope {
  object: string;
  entry: { id: string; time?: number; changes: { field: string; value: Record<string, unknown> & { statuses?: StatusObj[]; messages?: Record<string, unknown>[] } }[] }[];
}

/** A status object as tests read it. */
export interface StatusObj {
  id: string;
  status: string;
  recipient_id: string;
  timestamp: string;
  biz_opaque_callback_data?: string;
  pricing?: { category: string; type: string; billable: boolean; pricing_model: string };
  errors?: { code: number; title: string; message: string; error_data: { details: string }; href: string }[];
}

/** Every status object in a list of envelopes, in arrival order. */
export function statusesOf(envelopes: Envelope[]): StatusObj[] {
  return envelopes.flatMap((e) => e.entry.flatMap((en) => en.changes.flatMap((c) => c.value.statuses ?? [])));
}

/** POSTs a `/messages` body with the sandbox token. */
export function sendMessage(sim: Simulator, body: Record<string, unknown>, headers: Record<string, string> = AUTH): Promise<LightMyRequestResponse> {
  return sim.app.inject({ method: 'POST', url: `/v23.0/${PHONE_ID}/messages`, headers, payload: { messaging_product: 'whatsapp', ...body } });
}

/** A text message body. */
export const text = (to: string, body = 'hello') => ({ to, type: 'text', text: { body } });

/** A template message body. */
export const template = (to: string, name = 'hello_world', extra: Record<string, unknown> = {}) => ({ to, type: 'template', template: { name, language: { code: 'en_US' }, ...extra } });

/** The Graph error of a response. */
export function graphError(res: LightMyRequestResponse): { message: string; type: string; code: number; error_subcode?: number; error_data?: { details: string }; fbtrace_id: string } {
  return (res.json() as { error: ReturnType<typeof graphError> }).error;
}

/** Retries an assertion until it passes (webhooks arrive asynchronously); generous for busy CI machines. */
export function eventually(assertion: () => void | Promise<void>): Promise<void> {
  return vi.waitFor(assertion, { timeout: 10_000, interval: 5 });
}
