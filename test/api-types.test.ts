// The admin UI's API types (web/src/api-schema.generated.ts) are generated from the OpenAPI document;
// a route schema changed without `npm run api:types` leaves them stale, and this test says so.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../web/api-types.js';

describe('generated API types', () => {
  it('match the current OpenAPI document (run `npm run api:types` when this fails)', async () => {
    const committed = await readFile(API_TYPES_FILE, 'utf8');
    const fresh = await apiTypesSource();
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const first = b.findIndex((line, i) => line !== a[i]);
    const where = first < 0 ? (a.length === b.length ? 'nowhere' : `at line ${b.length + 1}`) : `at line ${first + 1}: committed ${JSON.stringify(a[first])}, generated ${JSON.stringify(b[first])}`;
    expect(committed === fresh, `web/src/api-schema.generated.ts is stale (first difference ${where}); run npm run api:types`).toBe(true);
    // Building the app and generating take ~15 s of CPU: more than the default timeout on a busy machine.
  }, 180_000);
});
