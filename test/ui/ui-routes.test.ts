// Serving the admin UI: built files with their cache headers, and a clear answer when it is not built.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiRoutes } from '../../src/adapters/http/routes/ui.routes.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'greenlist-ui-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Greenlist</title>');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function appWith(distDir: string) {
  const app = Fastify();
  await uiRoutes(app, distDir);
  await app.ready();
  return app;
}

describe('admin UI routes', () => {
  it('serves index.html at / (never cached) and hashed assets (cached immutably)', async () => {
    const app = await appWith(dir);
    const index = await app.inject({ method: 'GET', url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<title>Greenlist</title>');
    const js = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/favicon.svg' })).headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((await app.inject({ method: 'GET', url: '/assets/../index.html' })).statusCode).not.toBe(500);
    expect((await app.inject({ method: 'GET', url: '/assets/missing.js' })).statusCode).toBe(404);
    await app.close();
  });

  it('explains how to build the UI when web/dist is missing', async () => {
    const app = await appWith(join(dir, 'not-built'));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toContain('npm run build:web');
    await app.close();
  });
});
