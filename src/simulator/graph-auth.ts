import type { FastifyRequest } from 'fastify';
import type { NumberState, SimContext } from './context.js';
import { GraphError } from './graph-errors.js';

/** The caller of a Cloud API route: its token and the numbers that token may act on. */
export interface GraphCaller {
  token: string;
  numbers: NumberState[];
}

const VERSION = /^v\d+\.\d+$/;

/** Rejects paths whose version segment is not like `v23.0`. */
export function checkVersion(version: string): void {
  if (!VERSION.test(version)) throw new GraphError(100, { message: `(#100) Unknown API version "${version}": use a version like v23.0.`, noErrorData: true, http: 400 });
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (m) return m[1];
  }
  const q = (req.query as Record<string, unknown> | undefined)?.access_token;
  return typeof q === 'string' && q !== '' ? q : undefined;
}

/**
 * Version check, then `Authorization: Bearer` (or `?access_token=`). A missing or unknown token
 * is Graph's 401 with code 190 (OAuthException), before anything else is looked at.
 */
export function authenticate(ctx: SimContext, req: FastifyRequest, version: string): GraphCaller {
  checkVersion(version);
  const token = bearer(req);
  if (!token) throw new GraphError(190, { message: 'An active access token must be used to query information about the current user.', noErrorData: true });
  const numbers = [...ctx.numbers.values()].filter((n) => n.config.accessToken === token);
  if (numbers.length === 0) throw new GraphError(190, { message: 'Invalid OAuth access token - Cannot parse access token', noErrorData: true });
  return { token, numbers };
}

/** Graph's answer for an id that does not exist or that the token cannot see (code 100, subcode 33). */
export function unknownObject(id: string, method: string): GraphError {
  return new GraphError(100, {
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    subcode: 33,
    type: 'GraphMethodException',
    noErrorData: true,
  });
}

/** The business number `id`, if the caller's token may use it. */
export function callerNumber(caller: GraphCaller, id: string, method: string): NumberState {
  const n = caller.numbers.find((s) => s.config.phoneNumberId === id);
  if (!n) throw unknownObject(id, method);
  return n;
}

/** The WABA `id`, if the caller's token may use one of its numbers. */
export function callerWaba(caller: GraphCaller, id: string, method: string): NumberState[] {
  const numbers = caller.numbers.filter((s) => s.config.wabaId === id);
  if (numbers.length === 0) throw unknownObject(id, method);
  return numbers;
}
