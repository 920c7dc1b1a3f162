import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs with no configuration at all, on the embedded database', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ databaseUrl: undefined, port: 8080, host: '127.0.0.1', simulatorPort: 8081, publicUrl: 'http://127.0.0.1:8080' });
    expect(c.dataDir).toMatch(/\/data$/);
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf({ GREENLIST_PORT: 'eighty', GREENLIST_HOST: '', GREENLIST_PUBLIC_URL: 'not a url', GREENLIST_LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    expect(problems.length).toBe(4);
    expect(problems.join('\n')).toMatch(/GREENLIST_PORT/);
    expect(problems.join('\n')).toMatch(/GREENLIST_PUBLIC_URL/);
    expect(problems.join('\n')).toMatch(/GREENLIST_LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must start with postgres/);
  });

  it('flags unknown GREENLIST_ variables with a suggestion', () => {
    expect(problemsOf({ GREENLIST_PROT: '9000' })).toEqual(['GREENLIST_PROT is not a Greenlist setting; did you mean GREENLIST_PORT?']);
  });

  it('requires a master key with PostgreSQL, and checks its size', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://localhost/x' }).join()).toMatch(/GREENLIST_MASTER_KEY: required/);
    expect(problemsOf({ DATABASE_URL: 'postgres://localhost/x', GREENLIST_MASTER_KEY: 'abc' }).join()).toMatch(/32 bytes/);
    const c = loadConfig({ DATABASE_URL: 'postgres://localhost/x', GREENLIST_MASTER_KEY: 'ab'.repeat(32) });
    expect(c.masterKey?.length).toBe(32);
  });

  it('caps the worker heap at 160 MB by default; 0 turns the cap off; anything else is named', () => {
    expect(loadConfig({}).workerHeapMb).toBe(160);
    expect(loadConfig({ GREENLIST_WORKER_HEAP_MB: '0' }).workerHeapMb).toBe(0);
    expect(problemsOf({ GREENLIST_WORKER_HEAP_MB: '-5' })).toEqual(['GREENLIST_WORKER_HEAP_MB: must be 0 (no cap) or a size in MB']);
    expect(problemsOf({ GREENLIST_WORKER_HEAP_MB: 'lots' }).join()).toMatch(/GREENLIST_WORKER_HEAP_MB: must be a number of MB/);
  });

  it('rejects ports out of range', () => {
    expect(problemsOf({ GREENLIST_PORT: '70000' }).join()).toMatch(/between 0 and 65535/);
  });
});
