// The /metrics listener of a process that serves no HTTP API (`greenlist worker`).
import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';
import { metricsTokenMatches } from '../http/routes/metrics.routes.js';

/** A running metrics listener. */
export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** Answers GET /metrics (Bearer token, as on the API) on host:port; anything else is 404. */
export async function startMetricsListener(metrics: Metrics, token: string, host: string, port: number): Promise<MetricsListener> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    if (!metricsTokenMatches(req.headers.authorization, token)) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('send the metrics token as "Authorization: Bearer <GREENLIST_METRICS_TOKEN>"\n');
    metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable (the database did not answer)\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address();
  const shown = typeof addr === 'object' && addr ? `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}` : `${host}:${port}`;
  return { url: `http://${shown}/metrics`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
