// Module load order: whichever module index is imported first, the shared vocabularies built at
// load time hold their values (an import cycle once left the segment catalog without the
// lifecycle stages when lifecycle/index.js was imported first: the admin UI then offered none).
import { readdirSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

const modules = readdirSync(new URL('../src/modules/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

describe('module load order', () => {
  it.each(modules)('importing %s first leaves the segment catalog with every lifecycle stage', async (name) => {
    vi.resetModules();
    await import(/* @vite-ignore */ new URL(`../src/modules/${name}/index.ts`, import.meta.url).href);
    const { LIFECYCLE_STAGES } = await import('../src/modules/lifecycle/index.js');
    const { segmentCatalog } = await import('../src/modules/segments/index.js');
    const stage = segmentCatalog().fields.find((f) => f.name === 'lifecycle_stage');
    expect(LIFECYCLE_STAGES.length).toBeGreaterThan(0);
    expect(stage?.values).toEqual([...LIFECYCLE_STAGES]);
  });
});
