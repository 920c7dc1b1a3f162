// The typed Greenlist API client: openapi-fetch over the types generated from the OpenAPI document
// (`npm run api:types` writes web/src/api-schema.generated.ts; the admin UI reads the same types).
// Paths, query strings, bodies and answers are all checked by the compiler:
//
//   const gl = createGreenlistClient({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.GREENLIST_KEY! });
//   const { data, error } = await gl.POST('/api/v1/contacts', { body: { phone: '+14155550123', name: 'Ana' } });
//   if (error) console.error(error.error.code, error.error.message); else console.log(data.id);
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../web/src/api-schema.generated.js';

/** Every path of the API, with its operations' types. */
export type GreenlistPaths = paths;
/** A client bound to one Greenlist instance and one API key. */
export type GreenlistClient = Client<paths>;

/** Creates a client for `baseUrl` (the instance, without `/api/v1`), sending `apiKey` as a bearer token. */
export function createGreenlistClient(opts: { baseUrl: string; apiKey?: string; fetch?: typeof globalThis.fetch; headers?: Record<string, string> }): GreenlistClient {
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers: { ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}), ...opts.headers },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
