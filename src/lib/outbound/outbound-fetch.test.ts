import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundFetch } from './outbound-fetch.js';
import { parseAllowedOrigins } from './origins.js';

let server: Server;
let origin: string;
const sockets = new Set<unknown>();
let peak = 0;
beforeAll(async () => {
  // Holds every response 150 ms, so concurrent requests need concurrent connections.
  server = createServer((_req, res) => void setTimeout(() => res.end('ok'), 150));
  server.on('connection', (s) => {
    sockets.add(s);
    peak = Math.max(peak, sockets.size);
    s.on('close', () => sockets.delete(s));
  });
  // A deep accept queue, so the count is the client's doing, not the kernel's.
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

describe('outbound fetch connection pool', () => {
  it('never opens more than 512 connections to one host: a burst of 700 waits for free sockets instead', async () => {
    const fetch = createOutboundFetch({ allowed: parseAllowedOrigins(`${origin}`), reach: 'graph' });
    const answers = await Promise.all(Array.from({ length: 700 }, () => fetch(`${origin}/v21.0/1/messages`, { method: 'POST', body: '{}' }).then((r) => r.text())));
    expect(answers.every((a) => a === 'ok')).toBe(true);
    expect(peak).toBeGreaterThan(400);
    expect(peak).toBeLessThanOrEqual(512);
  });
});
