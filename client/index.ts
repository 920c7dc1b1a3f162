// The typed Greenlist API client: openapi-fetch over the types generated from the OpenAPI document
// (`npm run api:types` writes web/src/api-schema.generated.ts). The admin UI (web/src/api-client.ts)
// uses this same client, same-origin with its session cookie. Paths, query strings, bodies and
// answers are all checked by the compiler:
//
//   const gl = createGreenlistClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.GREENLIST_KEY! });
//   const { data, error } = await gl.POST('/api/v1/contacts', { body: { phone: '+14155550123', name: 'Ana' } });
//   if (error) console.error(error.error.code, error.error.message); else console.log(data.id);
import createClient, { type Client, type Middleware, type QuerySerializer } from 'openapi-fetch';
import type { paths } from '../web/src/api-schema.generated.js';

/** Every path of the API, with its operations' types. */
export type GreenlistPaths = paths;
/** A client bound to one Greenlist instance and one API key (or the browser's session). */
export type GreenlistClient = Client<paths>;

/** How to reach an instance: `baseUrl` is its origin without `/api/v1` ('' in a browser page it serves). */
export interface GreenlistClientOptions {
  baseUrl: string;
  /** Sent as a bearer token; leave it out in the browser, where the session cookie authenticates. */
  apiKey?: string;
  fetch?: typeof globalThis.fetch;
  headers?: Record<string, string>;
  /** The browser sends the session cookie with 'same-origin' (or 'include'). */
  credentials?: RequestInit['credentials'];
  /** Runs on every request and answer, in order (openapi-fetch middleware: headers, 401 handling...). */
  middleware?: Middleware[];
  /** How query objects become `?a=1&b=2` (default: openapi-fetch's). */
  querySerializer?: QuerySerializer<unknown>;
}

/** Creates a client for `baseUrl`, sending `apiKey` as a bearer token when given. */
export function createGreenlistClient(opts: GreenlistClientOptions): GreenlistClient {
  const client = createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers: { ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}), ...opts.headers },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.querySerializer ? { querySerializer: opts.querySerializer } : {}),
  });
  for (const m of opts.middleware ?? []) client.use(m);
  return client;
}
