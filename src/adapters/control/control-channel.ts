import { createServer, request, type Server } from 'node:http';
import { randomToken, safeEqual } from '../../lib/secrets.js';
import { AppError } from '../../lib/errors.js';

/** A command another local process may ask the data-dir owner to run. */
export type ControlHandler = (args: Record<string, unknown>) => Promise<unknown>;

/** A running control channel. */
export interface ControlServer {
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * Serves commands on loopback for CLI invocations made while this process owns the PGlite data
 * directory (they must not open it a second time). Authenticated by a random token that only the
 * lock file (mode 0600) reveals.
 */
export async function startControlServer(handlers: Record<string, ControlHandler>): Promise<ControlServer> {
  const token = randomToken(32);
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/command' || !safeEqual(req.headers.authorization ?? '', `Bearer ${token}`)) {
      send(401, { error: { code: 'AUTH_INVALID', message: 'not allowed' } });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        try {
          const { command, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { command: string; args: Record<string, unknown> };
          const handler = handlers[command];
          if (!handler) return send(404, { error: { code: 'ROUTE_NOT_FOUND', message: `unknown command ${command}` } });
          send(200, { result: await handler(args ?? {}) });
        } catch (err) {
          const e = err instanceof AppError ? err : new AppError('INTERNAL', (err as Error).message);
          send(400, { error: { code: e.code, message: e.message, details: e.details ?? {} } });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    token,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Asks the process that owns the data directory to run `command`. */
export function sendControlCommand(port: number, token: string, command: string, args: Record<string, unknown>): Promise<unknown> {
  const body = JSON.stringify({ command, args });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/command', method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { result?: unknown; error?: { code: string; message: string; details?: Record<string, unknown> } };
            if (parsed.error) reject(new AppError(parsed.error.code as never, parsed.error.message, parsed.error.details));
            else resolve(parsed.result);
          } catch (err) {
            reject(err as Error);
          }
        });
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('the running Greenlist did not answer within 30 s')));
    req.end(body);
  });
}
