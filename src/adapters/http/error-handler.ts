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
}

function fieldName(path: PropertyKey[] | string, prefix?: string): string {
  const parts = typeof path === 'string' ? path.split('/').filter(Boolean) : path.map(String);
  const joined = parts.join('.');
  return prefix ? (joined ? `${prefix}.${joined}` : prefix) : joined || '(body)';
}

function zodProblems(err: ZodError): FieldProblem[] {
  return err.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? i.keys : [];
    if (keys.length > 0) return { field: fieldName([...i.path, keys[0]!]), message: `unknown field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; remove ${keys.length > 1 ? 'them' : 'it'}` };
    return { field: fieldName(i.path), message: i.message };
  });
}

function validationError(fields: FieldProblem[]): AppError {
  const first = fields[0];
  const msg = first ? `${first.field}: ${first.message}${fields.length > 1 ? ` (and ${fields.length - 1} more)` : ''}` : 'request is not valid';
  return new AppError('VALIDATION_FAILED', msg, { fields });
}

/** Converts anything thrown into an AppError; unknown errors become INTERNAL without leaking their text. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return validationError(zodProblems(err));
  const fe = err as FastifyError & { validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const prefix = fe.validationContext === 'body' ? undefined : fe.validationContext;
    return validationError(
      fe.validation.flatMap((v) => {
        const keys = v.keyword === 'unrecognized_keys' ? ((v.params as { keys?: string[] }).keys ?? []) : [];
        if (keys.length > 0) return keys.map((k) => ({ field: fieldName(`${v.instancePath}/${k}`, prefix), message: 'unknown field; remove it' }));
        return [{ field: fieldName(v.instancePath, prefix), message: v.message ?? 'is not valid' }];
      }),
    );
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
