import { describe, expect, it } from 'vitest';
import { startupBanner } from './startup-banner.js';

describe('startupBanner', () => {
  it('names the API, admin UI, docs and simulator URLs and the next commands', () => {
    const text = startupBanner({ role: 'start', url: 'http://127.0.0.1:8080', sandboxUrl: 'http://127.0.0.1:8081', database: 'pglite', dataDir: '/srv/gl/data' }).join('\n');
    expect(text).toContain('Greenlist is running (API and worker, embedded database in /srv/gl/data, sandbox mode)');
    expect(text).toContain('API          http://127.0.0.1:8080/api/v1');
    expect(text).toContain('Admin UI     http://127.0.0.1:8080/');
    expect(text).toContain('API docs     http://127.0.0.1:8080/docs');
    expect(text).toContain('Simulator    http://127.0.0.1:8081/_sim');
    expect(text).toMatch(/npx greenlist apikey create\s+# an API key/);
    expect(text).toMatch(/npx greenlist user create --email you@example\.com --role owner\s+# a login/);
  });

  it('leaves out the simulator without sandbox mode, says PostgreSQL, and prints nothing for a worker', () => {
    const api = startupBanner({ role: 'api', url: 'http://10.0.0.5:8080', sandboxUrl: undefined, database: 'postgres', dataDir: undefined }).join('\n');
    expect(api).toContain('(API only, PostgreSQL)');
    expect(api).not.toContain('Simulator');
    expect(startupBanner({ role: 'worker', url: undefined, sandboxUrl: undefined, database: 'postgres', dataDir: undefined })).toEqual([]);
  });

  it('prints the first-run setup link only when there is one', () => {
    const link = 'http://127.0.0.1:8080/setup#token=abc';
    const first = startupBanner({ role: 'start', url: 'http://127.0.0.1:8080', sandboxUrl: undefined, database: 'pglite', dataDir: '/d', setupUrl: link }).join('\n');
    expect(first).toMatch(/First run: no user yet[^\n]*\n {2}http:\/\/127\.0\.0\.1:8080\/setup#token=abc\n/);
    const later = startupBanner({ role: 'start', url: 'http://127.0.0.1:8080', sandboxUrl: undefined, database: 'pglite', dataDir: '/d' }).join('\n');
    expect(later).not.toContain('First run');
  });
});
