import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { SimControlError } from './configure.js';
import type { SimContext } from './context.js';
import { registerControlRoutes } from './control-routes.js';
import { registerGraphRoutes } from './graph-routes.js';
import { GraphError } from './graph-errors.js';
import { registerInspectRoutes } from './inspect-routes.js';
import { MAX_MEDIA_BYTES } from './media.js';
import { registerMediaRoutes } from './media-routes.js';
import { registerMessagesRoute, type HungResponses } from './messages-route.js';
import { registerQrRoutes } from './qr-routes.js';
import { createIdFactory } from './random.js';

declare module 'fastify' {
  interface FastifyRequest {
    fbTraceId: string;
  }
}

const isControl = (req: FastifyRequest) => req.url.startsWith('/_sim');

// Body-parser and framework errors, translated to what Graph would answer.
function toGraphError(err: FastifyError): GraphError {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new GraphError(100, { details: 'The request body is too large.', http: 413 });
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new GraphError(100, { details: 'Unsupported Content-Type; send application/json (multipart/form-data for media).' });
  if ((err.statusCode ?? 500) < 500) return new GraphError(100, { details: `The request body could not be parsed: ${err.message}` });
  return new GraphError(1, { message: '(#1) An unknown error occurred', http: 500 });
}

/** Builds the simulator's Fastify app (not listening): Cloud API paths plus the `/_sim` control plane. */
export function buildServer(ctx: SimContext, hung: HungResponses, logger?: Logger): FastifyInstance {
  // A simulator may hold hung requests open on purpose; closing drops every connection.
  const base = { forceCloseConnections: true } as const;
  const app = (logger ? Fastify({ ...base, loggerInstance: logger }) : Fastify({ ...base, logger: false })) as unknown as FastifyInstance;
  const traces = createIdFactory(`${ctx.seed}:trace`);
  app.decorateRequest('fbTraceId', '');
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_MEDIA_BYTES }, (_req, body, done) => done(null, body));
  app.addHook('onRequest', async (req, reply) => {
    if (isControl(req)) return;
    req.fbTraceId = traces.traceId();
    // Graph puts these on every answer; clients log x-fb-trace-id when reporting problems.
    reply.header('x-fb-trace-id', req.fbTraceId).header('x-fb-request-id', traces.traceId());
    const version = req.url.split('/')[1] ?? '';
    if (/^v\d+\.\d+$/.test(version)) reply.header('facebook-api-version', version);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isControl(req)) {
      if (err instanceof SimControlError) return reply.code(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
      const status = (err.statusCode ?? 500) < 500 ? 400 : 500;
      return reply.code(status).send({ error: { code: status === 400 ? 'BODY_INVALID' : 'INTERNAL', message: status === 400 ? err.message : 'internal simulator error' } });
    }
    const ge = err instanceof GraphError ? err : toGraphError(err);
    if (!(err instanceof GraphError) && ge.httpStatus >= 500) req.log.error({ err }, 'simulator route failed');
    if (req.url.includes('/messages')) ctx.stats.reject(ge.code);
    return reply.code(ge.httpStatus).header('content-type', 'application/json; charset=UTF-8').send(ge.toEnvelope(req.fbTraceId || traces.traceId()));
  });

  app.setNotFoundHandler((req, reply) => {
    if (isControl(req)) return reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `No control route ${req.method} ${req.url.split('?')[0]}` } });
    const path = req.url.split('?')[0] ?? '';
    return reply.code(400).send({ error: { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500, fbtrace_id: req.fbTraceId } });
  });

  registerMessagesRoute(app, ctx, hung);
  registerMediaRoutes(app, ctx);
  registerGraphRoutes(app, ctx);
  registerQrRoutes(app, ctx);
  registerControlRoutes(app, ctx);
  registerInspectRoutes(app, ctx);
  return app;
}
