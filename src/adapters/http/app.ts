import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmetMiddleware, { type HelmetOptions } from 'helmet';
import rateLimit from '@fastify/rate-limit';
import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { AppError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { Db } from '../../modules/context.js';
import { installAuth } from './auth.js';
import { installErrorHandling, sendError } from './error-handler.js';
import { installInputGuards } from './input-guards.js';
import { apiKeyRoutes } from './routes/api-keys.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { setupRoutes } from './routes/setup.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { userRoutes } from './routes/users.routes.js';
import { workspaceRoutes } from './routes/workspace.routes.js';
import { phoneNumberRoutes } from './routes/phone-numbers.routes.js';
import { uiRoutes } from './routes/ui.routes.js';
import { messageRoutes } from './routes/messages.routes.js';
import { contactRoutes } from './routes/contacts.routes.js';
import { webhookRoutes, type WebhookIntakeDeps } from './routes/webhooks.routes.js';
import { segmentRoutes } from './routes/segments.routes.js';
import { eventRoutes } from './routes/events.routes.js';
import { lifecycleRoutes } from './routes/lifecycle.routes.js';
import { broadcastRoutes, linkRoutes } from './routes/broadcasts.routes.js';
import { analyticsFunnelRoutes } from './routes/analytics-funnels.routes.js';
import { automationRoutes } from './routes/automations.routes.js';
import { conversationRoutes } from './routes/conversations.routes.js';
import { autoReplyRoutes } from './routes/autoreplies.routes.js';
import { inboxSetupRoutes } from './routes/inbox-setup.routes.js';
import { conversationFigureRoutes } from './routes/conversation-figures.routes.js';
import type { InboxEvents } from './inbox-events.js';
import type { BulkPacing } from '../../modules/lifecycle/index.js';
import { topicRoutes } from './routes/topics.routes.js';
import { optOutRoutes } from './routes/opt-out.routes.js';
import { analyticsGrowthRoutes } from './routes/analytics-growth.routes.js';
import { analyticsHeatmapRoutes } from './routes/analytics-heatmap.routes.js';
import { analyticsLifecycleRoutes, analyticsCohortsRoutes } from './routes/analytics-lifecycle.routes.js';
import { analyticsBreakdownRoutes } from './routes/analytics-breakdowns.routes.js';
import { analyticsCostRoutes } from './routes/analytics-cost.routes.js';
import { importRoutes } from './routes/imports.routes.js';
import { shopRoutes } from './routes/shops.routes.js';
import { optinRoutes } from './routes/optin.routes.js';
import { joinRoutes } from './routes/join.routes.js';
import { preferenceRoutes } from './routes/preferences.routes.js';
import { configurePreferenceLinks } from '../../modules/preferences/index.js';
import { templateRoutes } from './routes/templates.routes.js';
import { analyticsNumberRoutes } from './routes/analytics-numbers.routes.js';
import { metricsRoutes } from './routes/metrics.routes.js';
import type { Metrics } from '../metrics/metrics.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.routes.js';
import { webhooksOpenApi } from './webhooks-openapi.js';
import { webhookUrlProblem, type HookDeps, type WebhookSend } from '../../modules/hooks/index.js';
import type { SecretBox } from '../../lib/secrets.js';
import type { WhatsAppGateway } from '../../modules/messaging/index.js';
import { noteWebhookArrival } from '../../lib/webhook-pressure.js';

/** Everything the HTTP app needs; built by the entrypoint (or a test). */
export interface AppDeps {
  db: Db;
  ping: () => Promise<void>;
  clock: Clock;
  log: Logger;
  bodyLimitBytes: number;
  rateLimitPerKeyPerMinute: number;
  rateLimitPerIpPerMinute: number;
  /** Fastify's trustProxy: false, a hop count, or proxy address ranges (never `true`: X-Forwarded-For is client-written). */
  trustProxy: false | number | string[];
  publicUrl: string;
  version: string;
  box: SecretBox;
  gateway: WhatsAppGateway;
  webhooks: WebhookIntakeDeps;
  /** Signs tracked-link tokens (from the master key). */
  linkSign: (payload: string) => string;
  /** Told after a request changed a connected number (the intake cache and the sandbox follow at once). */
  numbersChanged?: { notify(): Promise<void> };
  /** Where uploads are spooled: `<data dir>/uploads/<pid>` (default: the system temp directory). */
  uploadDir?: string;
  /** Why a number's api_base_url may not be stored; default: anything but Meta's Graph host is refused. */
  checkApiBaseUrl?: (url: string) => string | undefined;
  /** How lifecycle and hygiene runs started over the API share the database (engine-dependent). */
  bulkPacing?: BulkPacing;
  /** Live inbox updates (LISTEN/NOTIFY) for the Server-Sent Events route. */
  inboxEvents?: InboxEvents;
  /** This process's operator metrics; /metrics exists only with `metricsToken` (GREENLIST_METRICS_TOKEN). */
  metrics?: Metrics;
  metricsToken?: string;
  /** Outbound webhooks: the guard test sends go through and the endpoint URL policy (default: public https only, nothing sent). */
  hooks?: HookDeps & { send: WebhookSend };
}

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Builds the Fastify app without listening, so tests drive it with `inject()`. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const securityHeaders = securityHeadersFor(deps.publicUrl);
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: trustProxyFn(deps.trustProxy),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true },
    // Bad percent-encoding (/contacts/%ZZ) and over-long path parameters are answered by the router
    // before any hook runs; without this they would leave Fastify's own, non-envelope body.
    frameworkErrors: (err, _req, reply) => {
      reply.headers(securityHeaders);
      return sendError(reply, frameworkError(err));
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installInputGuards(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  // @fastify/helmet 13 rebuilds helmet (and re-parses the CSP) on every request; the headers never
  // change, so they are computed once (above) and set by a cheap hook.
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(securityHeaders);
    if (req.url.startsWith('/webhooks/')) noteWebhookArrival();
    done();
  });
  await app.register(cookie);
  const reqDeps = { db: deps.db, clock: deps.clock };
  installAuth(app, reqDeps);
  // Per-process buckets: this is abuse protection, not a correctness rule, so it needs no shared state.
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    keyGenerator: (req) => (req.principal?.actor.id ? `key:${req.principal.actor.id}` : `ip:${req.ip}`),
    max: (req) => (req.principal ? deps.rateLimitPerKeyPerMinute : deps.rateLimitPerIpPerMinute),
    timeWindow: 60_000,
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
    errorResponseBuilder: (_req, ctx) =>
      new AppError('RATE_LIMITED', `rate limit of ${ctx.max} requests per minute reached; retry in ${Math.ceil(ctx.ttl / 1000)} s`, { retry_after_seconds: Math.ceil(ctx.ttl / 1000) }, true),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Greenlist API', version: deps.version, description: 'Consent-first WhatsApp contact lists. Authenticate with `Authorization: Bearer <api key>`.' },
      servers: [{ url: deps.publicUrl }],
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
      // Plain JSON Schema objects (from zod); the plugin's OpenAPI typings (openapi-types) are not a direct dependency.
      webhooks: webhooksOpenApi() as never,
    },
    transform: jsonSchemaTransform,
    transformObject: withErrorResponses,
  });
  // staticCSP would replace the app's CSP on /docs with one whose style-src lacks 'unsafe-inline' (Swagger UI
  // styles itself inline) and that always upgrades to https; the app's own CSP already fits the page.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false, uiConfig: { deepLinking: true, validatorUrl: null } });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  healthRoutes(app, deps.ping);
  if (deps.metrics && deps.metricsToken) metricsRoutes(app, deps.metrics, deps.metricsToken);
  authRoutes(app, reqDeps, { secureCookies: deps.publicUrl.startsWith('https://') });
  setupRoutes(app, reqDeps, { secureCookies: deps.publicUrl.startsWith('https://') });
  workspaceRoutes(app, reqDeps);
  userRoutes(app, reqDeps);
  apiKeyRoutes(app, reqDeps);
  auditRoutes(app, reqDeps);
  phoneNumberRoutes(app, { ...reqDeps, box: deps.box, gateway: deps.gateway, ...(deps.numbersChanged ? { numbersChanged: deps.numbersChanged } : {}), ...(deps.checkApiBaseUrl ? { checkApiBaseUrl: deps.checkApiBaseUrl } : {}) });
  messageRoutes(app, { ...reqDeps, box: deps.box, gateway: deps.gateway });
  const featureDeps = { ...reqDeps, box: deps.box, gateway: deps.gateway, publicUrl: deps.publicUrl, log: deps.log, ...(deps.uploadDir ? { uploadDir: deps.uploadDir } : {}) };
  // Preference links in messages and pages point at this instance's public URL.
  configurePreferenceLinks(deps.publicUrl);
  contactRoutes(app, featureDeps);
  topicRoutes(app, featureDeps);
  segmentRoutes(app, featureDeps);
  eventRoutes(app, featureDeps);
  lifecycleRoutes(app, { ...featureDeps, pacing: deps.bulkPacing ?? {} });
  optOutRoutes(app, featureDeps);
  importRoutes(app, featureDeps);
  optinRoutes(app, featureDeps);
  templateRoutes(app, featureDeps);
  broadcastRoutes(app, featureDeps);
  analyticsFunnelRoutes(app, featureDeps);
  automationRoutes(app, featureDeps);
  conversationRoutes(app, { ...featureDeps, inboxEvents: deps.inboxEvents });
  autoReplyRoutes(app, reqDeps);
  inboxSetupRoutes(app, featureDeps);
  conversationFigureRoutes(app, featureDeps);
  analyticsNumberRoutes(app, reqDeps);
  analyticsGrowthRoutes(app, featureDeps);
  analyticsHeatmapRoutes(app, featureDeps);
  analyticsLifecycleRoutes(app, featureDeps);
  analyticsCohortsRoutes(app, featureDeps);
  analyticsBreakdownRoutes(app, featureDeps);
  analyticsCostRoutes(app, featureDeps);
  linkRoutes(app, { ...featureDeps, linkSign: deps.linkSign });
  webhookEndpointRoutes(app, { ...reqDeps, log: deps.log, hooks: deps.hooks ?? { box: deps.box, checkUrl: (url) => webhookUrlProblem(url, []), send: () => Promise.reject(new Error('outbound webhooks are not wired in this process')) } });
  await joinRoutes(app, featureDeps);
  await preferenceRoutes(app, featureDeps);
  await shopRoutes(app, featureDeps);
  await webhookRoutes(app, deps.webhooks);
  await uiRoutes(app);
  return app;
}

/**
 * Helmet's options. `upgrade-insecure-requests` is sent only when the public URL is https: over
 * plain http (a LAN install on GREENLIST_HOST=0.0.0.0) it rewrote the UI's script and style URLs and
 * the /join form's action to https, which nothing answered, so the pages stayed blank.
 */
function helmetOptions(publicUrl: string): HelmetOptions {
  const https = publicUrl.startsWith('https://');
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    hsts: https ? { maxAge: 15552000 } : false,
  };
}

/**
 * Fastify's trustProxy for our setting. A hop count is a function here because Fastify 5 now refuses
 * to trust any hop for a plain number: with N hops the client IP is the entry the Nth proxy (counted
 * from this server) added, so entries a client wrote itself further left are never believed.
 */
function trustProxyFn(setting: false | number | string[]): boolean | string[] | ((addr: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_addr, hop) => hop < setting : setting;
}

/** The envelope for errors the router raises before any route or hook runs. */
function frameworkError(err: { code?: string }): AppError {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') return new AppError('URL_TOO_LONG', 'a path parameter is longer than 100 characters; ids are 36', {});
  if (err.code === 'FST_ERR_BAD_URL') return new AppError('URL_INVALID', 'the URL has invalid percent-encoding (such as %ZZ); encode reserved characters as %XX with two hex digits', {});
  return new AppError('URL_INVALID', 'the request could not be routed', {});
}

/** The security headers (CSP, HSTS, …) every response carries, for this public URL. */
export function securityHeadersFor(publicUrl: string): Record<string, string> {
  return staticHelmetHeaders(helmetOptions(publicUrl));
}

/** The headers helmet would set for these options, computed once. */
function staticHelmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmetMiddleware(options)({} as never, res as never, () => {});
  return headers;
}

/** The error envelope every failure answers (error-handler.ts), as the OpenAPI document describes it. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', description: 'a stable code from docs/errors.md, e.g. VALIDATION_FAILED' },
        message: { type: 'string', description: 'what went wrong and how to fix it' },
        details: { type: 'object', additionalProperties: true, description: 'for VALIDATION_FAILED: `fields: [{ field, message }]`' },
      },
    },
  },
};

/**
 * Adds the error envelope as every operation's `default` response, so generated clients (client/,
 * the admin UI's types) type `error` on any failure rather than leaving it unknown.
 */
const withErrorResponses: SwaggerTransformObject = (doc) => {
  const api = ('openapiObject' in doc ? doc.openapiObject : doc.swaggerObject) as { paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components?: { schemas?: Record<string, unknown> } };
  api.components = { ...api.components, schemas: { ...api.components?.schemas, Error: ERROR_SCHEMA } };
  for (const ops of Object.values(api.paths ?? {})) {
    for (const op of Object.values(ops)) {
      if (op && typeof op === 'object' && op.responses && !op.responses.default) {
        op.responses.default = { description: 'An error: `{ error: { code, message, details } }` (docs/errors.md)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      }
    }
  }
  return api as ReturnType<SwaggerTransformObject>;
};

