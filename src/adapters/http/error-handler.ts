import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../../lib/errors.js';
import { ERROR_STATUS } from './error-status.js';
import { isDatabaseDown } from '../db/database.js';
import { safeErrorMessage } from '../../lib/redact.js';

/** A field-level validation problem, as shown in `details.fields`. */
interface FieldProblem {
  field: string;
  message: string;
  /** The shape the field must have, when the schema says it (`string`, `one of: a, b`, `at least 1`). */
  expected?: string;
}

/** A zod issue, from a ZodError or as fastify-type-provider-zod passes it on (`keyword`, `instancePath`, `params`). */
interface IssueLike {
  code: string;
  path: PropertyKey[];
  message: string;
  [param: string]: unknown;
}

function fieldName(path: PropertyKey[], prefix?: string): string {
  const joined = path.map(String).join('.');
  return prefix ? (joined ? `${prefix}.${joined}` : prefix) : joined || '(body)';
}

function expectedOf(i: IssueLike): string | undefined {
  switch (i.code) {
    case 'invalid_type':
      return typeof i.expected === 'string' ? i.expected : undefined;
    case 'invalid_value':
      return Array.isArray(i.values) ? `one of: ${i.values.map((v) => JSON.stringify(v)).join(', ')}` : undefined;
    case 'too_small':
      return i.minimum !== undefined ? `${i.origin ?? 'value'} of at least ${String(i.minimum)}` : undefined;
    case 'too_big':
      return i.maximum !== undefined ? `${i.origin ?? 'value'} of at most ${String(i.maximum)}` : undefined;
    case 'invalid_format':
      return typeof i.format === 'string' ? `${i.format} format` : undefined;
    default:
      return undefined;
  }
}

/**
 * One problem per issue, each naming its full path. A union that failed (`POST /events` takes one
 * event or `{ events }`) reports the problems of the alternative that came closest, instead of a
 * bare "Invalid input" at the union's path.
 */
function problemsOf(issues: IssueLike[], prefix: string | undefined, base: PropertyKey[] = []): FieldProblem[] {
  return issues.flatMap((i): FieldProblem[] => {
    const path = [...base, ...i.path];
    if (i.code === 'unrecognized_keys' && Array.isArray(i.keys) && i.keys.length > 0) {
      return (i.keys as string[]).map((k) => ({ field: fieldName([...path, k], prefix), message: 'unknown field; remove it (or check its spelling)' }));
    }
    if (i.code === 'invalid_union' && Array.isArray(i.errors) && i.errors.length > 0) {
      const branches = (i.errors as IssueLike[][]).filter((b) => b.length > 0);
      const closest = branches.sort((a, b) => score(a) - score(b))[0];
      if (closest) return problemsOf(closest, prefix, path);
    }
    const expected = expectedOf(i);
    return [{ field: fieldName(path, prefix), message: i.message, ...(expected ? { expected } : {}) }];
  });
}

// Unknown keys and a missing required field mean "the other alternative was meant"; count them heavier.
function score(issues: IssueLike[]): number {
  return issues.reduce((n, i) => n + (i.code === 'unrecognized_keys' || (i.code === 'invalid_type' && i.input === undefined) ? 3 : 1), 0);
}

function validationError(fields: FieldProblem[]): AppError {
  const first = fields[0];
  const msg = first ? `${first.field}: ${first.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}` : 'request is not valid';
  return new AppError('VALIDATION_FAILED', msg, { fields });
}

/** Converts anything thrown into an AppError; unknown errors become INTERNAL without leaking their text. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError(problemsOf(err.issues as unknown as IssueLike[], undefined));
  const fe = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const prefix = fe.validationContext === 'body' ? undefined : fe.validationContext;
    const issues = fe.validation.map((v) => ({ ...(v.params as object), code: v.keyword, path: v.instancePath.split('/').filter(Boolean), message: v.message ?? 'is not valid' }));
    return validationError(problemsOf(issues, prefix));
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 'request body is too large; send a smaller body or use the bulk import endpoint');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', { header: 'content-type' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('BODY_INVALID_JSON', 'body is empty but content-type is application/json; send a JSON object or omit the header');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('BODY_INVALID_JSON', 'body is not valid JSON; check quotes, commas and brackets');
    // @fastify/static (/assets, /docs/static) refusing a path that climbs out of its root: a 404
    // like any missing file (nothing is disclosed, and a probe is not worth an error-level log line).
    case 'FST_STATIC_FORBIDDEN_PATH':
      return new AppError('ROUTE_NOT_FOUND', 'no such file; see /docs for the API reference');
    default:
      break;
  }
  if (fe instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new AppError('BODY_INVALID_JSON', 'body is not valid JSON; check quotes, commas and brackets');
  }
  if (isDatabaseDown(err)) return new AppError('DATABASE_UNAVAILABLE', 'the database is not answering; retry shortly', undefined, true);
  if (fe.statusCode === 429) return new AppError('RATE_LIMITED', fe.message, undefined, true);
  return new AppError('INTERNAL', 'something went wrong on our side; the error was logged');
}

/** Writes the error envelope `{ error: { code, message, details } }`. */
export function sendError(reply: FastifyReply, err: AppError): FastifyReply {
  // A refusal that says when to come back (a deferred send, a limit) also says it the standard way.
  const wait = err.details?.retry_after_seconds;
  if (typeof wait === 'number' && Number.isFinite(wait) && wait > 0 && !reply.hasHeader('retry-after')) reply.header('retry-after', String(Math.ceil(wait)));
  return reply.code(ERROR_STATUS[err.code]).send({ error: { code: err.code, message: err.message, details: err.details ?? {} } });
}

/** Installs the error and not-found handlers so every failure uses the envelope. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const appErr = toAppError(err);
    if (appErr.code === 'INTERNAL') req.log.error({ err: { type: (err as Error)?.name, message: safeErrorMessage(err), stack: (err as Error)?.stack?.split('\n').filter((l) => l.startsWith('    at ')).slice(0, 5).join('\n') } }, 'unhandled error');
    else if (appErr.code === 'DATABASE_UNAVAILABLE') req.log.warn({ err: { message: safeErrorMessage(err) } }, 'database unavailable');
    return sendError(reply, appErr);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, new AppError('ROUTE_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}; see /docs for the API reference`)),
  );
}
