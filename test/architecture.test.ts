import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.message);
}

describe('module boundary rule (checked by the lint step)', () => {
  const file = 'src/modules/contacts/contacts.service.ts';

  it('rejects a module importing an adapter, Fastify or a database driver', async () => {
    expect((await lintAs(file, `import { buildApp } from '../../adapters/http/app.js';\nexport const x = buildApp;\n`)).join()).toMatch(/must not import adapters/);
    expect((await lintAs(file, `import Fastify from 'fastify';\nexport const x = Fastify;\n`)).join()).toMatch(/HTTP frameworks/);
    expect((await lintAs(file, `import pg from 'pg';\nexport const x = pg;\n`)).join()).toMatch(/drivers/);
  });

  it('rejects process.env and fetch inside modules', async () => {
    expect((await lintAs(file, `export const x = process.env.FOO;\n`)).join()).toMatch(/process/);
    expect((await lintAs(file, `export const x = () => fetch('https://example.com');\n`)).join()).toMatch(/network/);
  });

  it('accepts a module that only uses lib, other modules and drizzle', async () => {
    const ok = await lintAs(file, `import { eq } from 'drizzle-orm';\nimport { AppError } from '../../lib/errors.js';\nimport { recordAudit } from '../audit/index.js';\nexport const x = [eq, AppError, recordAudit];\n`);
    expect(ok).toEqual([]);
  });

  it('rejects reaching into another module instead of its index', async () => {
    expect((await lintAs(file, `import { recordAudit } from '../audit/audit.service.js';\nexport const x = recordAudit;\n`)).join()).toMatch(/through its index/);
  });

  it('allows adapters to use Fastify', async () => {
    expect(await lintAs('src/adapters/http/x.ts', `import Fastify from 'fastify';\nexport const x = Fastify;\n`)).toEqual([]);
  });
});
