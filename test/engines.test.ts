// Every installed package runs on the oldest Node.js the project supports (package.json engines):
// a clean `npm ci` on that Node must not warn EBADENGINE. cookie@2 and content-disposition@3
// (pulled by fastify plugins) declare Node >= 22; package.json `overrides` pins their
// Node-18-compatible releases with the same API (cookie@1.1: parseCookie / stringifySetCookie;
// content-disposition@2: create / parse). test/sessions.test.ts and test/ui cover both in use.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// semver comes with fastify; loaded untyped (no @types/semver in the project).
const semver = require('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };
const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('engines', () => {
  it('declares Node 20.19+ and every locked package accepts that version', () => {
    const pkg = read('package.json') as { engines: { node: string } };
    const floor = semver.minVersion(pkg.engines.node)!.version;
    expect(floor).toBe('20.19.0');
    const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const refusing = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(floor, p.engines.node))
      .map(([path, p]) => `${path.replace(/^.*node_modules\//, '')}@${p.version} needs node ${(p.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
