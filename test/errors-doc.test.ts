// docs/errors.md is the client's reference for error codes: it must list every code the API can
// answer with, at the HTTP status the server really uses, and no code the server no longer has.
// The codes are the ErrorCode union (src/lib/errors.ts); ERROR_STATUS maps every one of them to
// its status (a Record over the union, so the compiler keeps it complete).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/adapters/http/error-status.js';

/** The `| \`CODE\` | status |` rows of docs/errors.md. */
async function documentedCodes(): Promise<Map<string, string>> {
  const doc = await readFile('docs/errors.md', 'utf8');
  const rows = new Map<string, string>();
  for (const line of doc.split('\n')) {
    const m = /^\| `([A-Z][A-Z0-9_]*)` \| ([^|]*) \|/.exec(line);
    if (m) rows.set(m[1]!, m[2]!.trim());
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('lists every error code with the HTTP status the server answers it with', async () => {
    const rows = await documentedCodes();
    const missing = Object.keys(ERROR_STATUS).filter((code) => !rows.has(code));
    expect(missing, 'codes without a row in docs/errors.md').toEqual([]);
    const wrongStatus = Object.entries(ERROR_STATUS)
      .filter(([code, status]) => rows.get(code) !== String(status))
      .map(([code, status]) => `${code}: server ${status}, doc ${rows.get(code)}`);
    expect(wrongStatus).toEqual([]);
  });

  it('lists no code the server does not have', async () => {
    const rows = await documentedCodes();
    expect([...rows.keys()].filter((code) => !(code in ERROR_STATUS))).toEqual([]);
  });

});
