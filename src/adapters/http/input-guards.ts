import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';

/** Deeper JSON than this is refused: no real body needs it, and deep values overflow the stack later (JSON.stringify, hashing). */
export const MAX_JSON_DEPTH = 64;

/** Where a request value cannot be stored, and why. */
export interface Unstorable {
  path: string[];
  message: string;
}

const NUL_MESSAGE = 'contains a NUL character (\\u0000), which cannot be stored; remove it';
const SURROGATE_MESSAGE = 'contains an unpaired UTF-16 surrogate (e.g. \\ud800), which is not valid Unicode; send well-formed UTF-8 text';
const DEPTH_MESSAGE = `nests more than ${MAX_JSON_DEPTH} levels deep; flatten the value`;

// String.prototype.isWellFormed (Node 20, ES2024) is native and fast; the ES2023 lib lacks its type.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return NUL_MESSAGE;
  if (!isWellFormed(s)) return SURROGATE_MESSAGE;
  return undefined;
}

// Parsed JSON, and the query parser's null-prototype objects (fast-querystring's EmptyObject), are plain.
const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
};

/**
 * The first string (value or key) PostgreSQL cannot store — a NUL (text and jsonb refuse it) or a
 * lone surrogate (jsonb refuses the escape, text would silently become U+FFFD) — or the first
 * value nested deeper than MAX_JSON_DEPTH. Iterative, so hostile depth cannot overflow the stack.
 */
export function findUnstorable(value: unknown): Unstorable | undefined {
  const stack: { v: unknown; path: string[] }[] = [{ v: value, path: [] }];
  while (stack.length > 0) {
    const { v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const message = stringProblem(v);
      if (message) return { path, message };
      continue;
    }
    // Only parsed data is walked: a raw upload (text/csv arrives as a stream) or a Buffer is not a value to check.
    if (v === null || typeof v !== 'object' || !(Array.isArray(v) || isPlainObject(v))) continue;
    if (path.length >= MAX_JSON_DEPTH) return { path, message: DEPTH_MESSAGE };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: [...path, String(i)] });
      continue;
    }
    for (const [k, child] of Object.entries(v)) {
      const message = stringProblem(k);
      if (message) return { path: [...path, k], message: `key ${message}` };
      stack.push({ v: child, path: [...path, k] });
    }
  }
  return undefined;
}

function rejectIfUnstorable(value: unknown, prefix: string | undefined): void {
  const bad = findUnstorable(value);
  if (!bad) return;
  const joined = bad.path.join('.');
  const field = prefix ? (joined ? `${prefix}.${joined}` : prefix) : joined || '(body)';
  throw new AppError('VALIDATION_FAILED', `${field}: ${bad.message}`, { fields: [{ field, message: bad.message }] });
}

/** A JSON syntax error that says where (V8 names the position, line and column), or `err` as it was. */
function jsonSyntaxError(text: string, err: Error): Error {
  if ((err as { code?: string }).code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return err;
  try {
    JSON.parse(text);
  } catch (e) {
    const where = /at position (\d+)/.exec((e as Error).message);
    const position = where ? Number(where[1]) : undefined;
    const detail = (e as Error).message.replace(/, "[^"]*" is not valid JSON/, '').slice(0, 200);
    return new AppError('BODY_INVALID_JSON', `body is not valid JSON (${detail}); check quotes, commas and brackets`, position === undefined ? {} : { position });
  }
  return err;
}

/**
 * Input checks that hold for every route, at the parser rather than in ~90 schemas:
 * - JSON bodies: an empty body with `Content-Type: application/json` is `{}` (a copied curl line
 *   for an action endpoint works), and no string may hold a NUL or a lone surrogate, nor may the
 *   value nest deeper than MAX_JSON_DEPTH (each a 422 naming the field);
 * - query strings, path parameters and other parsed bodies (the /join form): the same string checks.
 * Raw-body scopes (the webhook intake keeps a Buffer for its signature) are left alone.
 */
export function installInputGuards(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    parseJson(req, text, (err: Error | null, value?: unknown) => {
      if (err) return done(jsonSyntaxError(text, err), undefined);
      try {
        rejectIfUnstorable(value, undefined);
      } catch (e) {
        return done(e as Error, undefined);
      }
      done(null, value);
    });
  });
  app.addHook('preValidation', async (req: FastifyRequest) => {
    rejectIfUnstorable(req.params, 'params');
    rejectIfUnstorable(req.query, 'querystring');
    const type = req.headers['content-type'];
    if (req.body !== undefined && !(typeof type === 'string' && type.includes('json'))) rejectIfUnstorable(req.body, undefined);
  });
}
