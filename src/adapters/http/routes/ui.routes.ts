import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` (run by `npm ci`) writes the admin UI. */
export const WEB_DIST_DIR = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));

const NOT_BUILT = [
  'The Greenlist admin UI is not built.',
  '',
  'Build it in the checkout with `npm run build:web` (`npm ci` does this too), then restart Greenlist.',
  'The API is served at /api/v1 and its reference at /docs.',
  '',
].join('\n');

/**
 * Serves the built admin UI at `/`: index.html (never cached, so a rebuild shows at once) and the
 * content-hashed bundles under /assets/ (cached for a year). These routes are outside /api/v1, so
 * no authentication applies; the UI authenticates its own API calls with the session cookie.
 */
export async function uiRoutes(app: FastifyInstance, distDir: string = WEB_DIST_DIR): Promise<void> {
  const isPublic = { config: { public: true }, schema: { hide: true } };
  if (!existsSync(join(distDir, 'index.html'))) {
    app.get('/', isPublic, (_req, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT));
    return;
  }
  // Its own plugin scope: swagger-ui registers @fastify/static too, and `reply.sendFile` stays local here.
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: join(distDir, 'assets'), prefix: '/assets/', index: false, maxAge: '365d', immutable: true });
    // `/setup` is the first-run page: the same app, which reads the token from the link's #fragment.
    for (const [url, file] of [['/', 'index.html'], ['/setup', 'index.html'], ['/favicon.svg', 'favicon.svg']] as const) {
      scope.get(url, isPublic, (_req, reply) => reply.header('cache-control', 'no-cache').sendFile(file, distDir, { cacheControl: false }));
    }
  });
}
