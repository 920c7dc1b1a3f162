import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

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

  it("rejects importing another module's tables except for foreign keys and the listed reads", async () => {
    const code = `import { messages } from '../messaging/messaging.tables.js';\nexport const x = messages;\n`;
    expect((await lintAs(file, code)).join()).toMatch(/tables are its own/);
    expect((await lintAs('src/modules/contacts/sub/x.ts', `import { messages } from '../../messaging/messaging.tables.js';\nexport const x = messages;\n`)).join()).toMatch(/tables are its own/);
    expect(await lintAs('src/modules/contacts/contacts.tables.ts', code)).toEqual([]);
    expect(await lintAs('src/modules/segments/audience.service.ts', code)).toEqual([]);
    expect(await lintAs(file, `import { contacts } from './contacts.tables.js';\nexport const x = contacts;\n`)).toEqual([]);
  });

  it('allows adapters to use Fastify', async () => {
    expect(await lintAs('src/adapters/http/x.ts', `import Fastify from 'fastify';\nexport const x = Fastify;\n`)).toEqual([]);
  });
});

// The consent predicate lives in one place (src/modules/consent, design.md "The send gate"): no other
// file names the consent state or suppression tables in SQL; they call the consent module's fragments.
const CONSENT_TABLE_USES: RegExp[] = [
  /\bconsent_state\b/,
  /\b(?:from|join|into|update|table|truncate|exists|lateral)\s+(?:only\s+)?"?suppressions\b/i,
  /"?\bsuppressions"?\.\s*"?(?:phone_hash|workspace_id|reason|source|created_at)\b/,
  /\b(?:identifier|pgTable)\(\s*['"`](?:suppressions|consent_state)['"`]/,
  /import\s*\{[^}]*\b(?:consentState|suppressions)\b[^}]*\}\s*from\s*['"][^'"]*consent\.tables\.js['"]/,
];

/** Source text without JavaScript comments (a `//` inside a URL string stays). */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function namesConsentTables(code: string): string | undefined {
  const text = withoutComments(code);
  for (const re of CONSENT_TABLE_USES) {
    const m = re.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

describe('the consent predicate has one home', () => {
  it('tells SQL uses of the consent tables from other words', () => {
    expect(namesConsentTables('sql`select 1 from consent_state s where s.contact_id = c.id`')).toBeDefined();
    expect(namesConsentTables('sql`not exists (select 1 from suppressions s where s.phone_hash = x.h)`')).toBeDefined();
    expect(namesConsentTables('sql`delete from "suppressions" where workspace_id = ${w}`')).toBeDefined();
    expect(namesConsentTables("import { suppressions } from '../consent/consent.tables.js';")).toBeDefined();
    expect(namesConsentTables("recordAudit(ctx, { action: 'suppressions.imported' }); r.get('/api/v1/suppressions/export.csv'); // from suppressions")).toBeUndefined();
  });

  it('no file under src/ outside src/modules/consent names consent_state or suppressions in SQL', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) {
          if (p !== join('src', 'modules', 'consent') && e.name !== 'migrations') walk(p);
        } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts')) {
          const hit = namesConsentTables(readFileSync(p, 'utf8'));
          if (hit) offenders.push(`${p}: ${hit}`);
        }
      }
    };
    walk('src');
    expect(offenders, 'use the consent module exports (src/modules/consent/index.ts) instead').toEqual([]);
  });
});
