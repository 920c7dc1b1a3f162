// The segment field/operator catalog (GET /api/v1/segments/catalog) that the admin UI's condition
// builder uses: it is the rule parser's own vocabulary, so every operator it lists for a field or an
// attribute type is accepted, one it leaves out is refused, and the lifecycle stages are the lifecycle module's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES } from '../src/modules/lifecycle/index.js';
import type { SegmentCatalogOut } from '../src/modules/segments/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
let key: string;
let viewerKey: string;
let catalog: SegmentCatalogOut;

const SAMPLE: Record<string, unknown> = { text: 'x', tags: 'x', number: 1, boolean: true, date: '2026-01-01', timestamp: '2026-01-01' };

/** A value of the shape the catalog says `op` takes, for a field of `type` (or one of `values`). */
function valueFor(op: string, type: string, values: string[] | null): { value?: unknown } {
  const one = values?.[0] ?? SAMPLE[type];
  const shape = catalog.operator_values[op as keyof SegmentCatalogOut['operator_values']];
  if (shape === 'none') return {};
  if (shape === 'list') return { value: [one] };
  if (shape === 'range') return { value: [one, one] };
  if (shape === 'days') return { value: 7 };
  return { value: one };
}

const preview = (rules: unknown) => t.call(key, { method: 'POST', url: '/api/v1/segments/preview', payload: { rules, sample_size: 0 } });

beforeAll(async () => {
  t = await createTestApp();
  const tenant = await t.tenant('catalog', 'viewer');
  const owner = await t.tenant('catalog-owner');
  viewerKey = tenant.key;
  for (const type of ['string', 'number', 'boolean', 'date', 'enum']) {
    const res = await t.call(owner.key, { method: 'POST', url: '/api/v1/attributes', payload: { key: `a_${type}`, type, ...(type === 'enum' ? { enum_values: ['x'] } : {}) } });
    expect(res.statusCode, res.body).toBe(201);
  }
  key = owner.key;
  const res = await t.call(owner.key, { method: 'GET', url: '/api/v1/segments/catalog' });
  expect(res.statusCode, res.body).toBe(200);
  catalog = res.json();
});
afterAll(() => t.close());

describe('segment catalog', () => {
  it('is readable with contacts:read (a viewer key) and not without a key', async () => {
    const asViewer = await t.call(viewerKey, { method: 'GET', url: '/api/v1/segments/catalog' });
    expect(asViewer.statusCode).toBe(200);
    expect(asViewer.json()).toEqual(catalog);
    expect((await t.call(undefined, { method: 'GET', url: '/api/v1/segments/catalog' })).statusCode).toBe(401);
    const doc = (await t.call(undefined, { method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { get?: unknown }> };
    expect(doc.paths['/api/v1/segments/catalog']?.get).toBeDefined();
  });

  it("offers the lifecycle module's stages as the only values of lifecycle_stage", () => {
    expect(catalog.fields.find((f) => f.name === 'lifecycle_stage')?.values).toEqual([...LIFECYCLE_STAGES]);
    expect(catalog.fields.find((f) => f.name === 'country')?.values).toBeNull();
  });

  it('lists, for every field, exactly the operators the rule parser accepts', async () => {
    const allOps = Object.keys(catalog.operator_values);
    for (const f of catalog.fields) {
      const ops = catalog.operators[f.type];
      const accepted = await preview({ any: ops.map((op) => ({ field: f.name, op, ...valueFor(op, f.type, f.values) })) });
      expect(accepted.statusCode, `${f.name}: ${accepted.body}`).toBe(200);
      const other = allOps.find((op) => !(ops as string[]).includes(op));
      if (!other) continue;
      const refused = await preview({ field: f.name, op: other, ...valueFor(other, f.type, f.values) });
      expect(refused.statusCode, `${f.name} ${other}`).toBe(422);
      expect(refused.json().error.details.path).toBe('rules.op');
    }
  });

  it('compares each attribute type as the value type it names', async () => {
    for (const [attrType, type] of Object.entries(catalog.attribute_types)) {
      const ops = catalog.operators[type];
      const res = await preview({ any: ops.map((op) => ({ attribute: `a_${attrType}`, op, ...valueFor(op, type, null) })) });
      expect(res.statusCode, `${attrType}: ${res.body}`).toBe(200);
    }
  });

  it('names the consent statuses and broadcast interactions the parser knows', async () => {
    expect(catalog.consent_statuses).toEqual(['granted', 'withdrawn', 'none']);
    expect(catalog.broadcast_interactions).toContain('read');
    const bad = await preview({ broadcast: { id: '00000000-0000-4000-8000-000000000000', interaction: 'nope' } });
    expect(bad.json().error.details.problem).toContain(catalog.broadcast_interactions.join(', '));
  });
});
