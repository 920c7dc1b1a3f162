// One owner per table (design.md §3): a table is written only by the module whose
// `<m>.tables.ts` declares it; everyone else calls that module's index. This test reads the source
// of src/**/*.ts (tests excluded), finds every write — raw SQL (`insert into x`, `update x [alias]`,
// `delete from x`, in any string or sql`` template) and Drizzle calls (`.insert(t)`, `.update(t)`,
// `.delete(t)` on a table object imported from a *.tables.ts file) — and fails on a write from
// outside the owner that is not in ALLOWED below. The list is exact both ways: an entry that no
// longer matches a write fails too, so it only shrinks.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';

const DYNAMIC = '(dynamic)';

interface Allowed {
  file: string;
  table: string;
  why: string;
}

// Known foreign writes, each with the reason it is still there (none today: keep it that way).
// `(dynamic)` is a write whose table name is computed (`update ${sql.identifier(t)}`), which the
// scan cannot resolve.
const ALLOWED: Allowed[] = [];

// ---- the scanner --------------------------------------------------------------------------------

export interface TableDecl {
  ident: string;
  table: string;
  owner: string;
}
export interface Write {
  file: string;
  table: string;
  line: number;
}


/** The module a file belongs to (`src/modules/<m>/…`), or null for adapters, entrypoints and the rest. */
export function moduleOf(file: string): string | null {
  return /^src\/modules\/([^/]+)\//.exec(file)?.[1] ?? null;
}

/** `export const x = pgTable('name', …)` declarations of one *.tables.ts file. */
export function tableDecls(file: string, source: string): TableDecl[] {
  const owner = moduleOf(file);
  if (!owner) throw new Error(`${file}: tables outside src/modules/<m>/`);
  return [...source.matchAll(/export\s+const\s+(\w+)\s*=\s*pgTable\(\s*['"`]([\w]+)['"`]/g)].map((m) => ({ ident: m[1]!, table: m[2]!, owner }));
}

/**
 * The source with comments blanked (newlines kept, so line numbers hold). Strings and templates are
 * kept, except SQL `--` comments inside template text. Regex literals are skipped so a quote in
 * one does not open a string.
 */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  const braces: number[] = []; // for each open `${`, the brace depth at which it closes
  let depth = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');
  let lastSignificant = '';
  const template = () => {
    // at src[i] inside template text; consume until the closing backtick or `${`
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') {
        out += src.slice(i, i + 2);
        i += 2;
      } else if (c === '`') {
        out += c;
        i++;
        return;
      } else if (c === '$' && src[i + 1] === '{') {
        out += '${';
        i += 2;
        depth++;
        braces.push(depth);
        return;
      } else if (c === '-' && src[i + 1] === '-') {
        const end = src.indexOf('\n', i);
        const stop = Math.min(end < 0 ? src.length : end, ...['`', '${'].map((t) => (src.indexOf(t, i) < 0 ? src.length : src.indexOf(t, i))));
        out += blank(src.slice(i, stop));
        i = stop;
      } else {
        out += c;
        i++;
      }
    }
  };
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += blank(src.slice(i, stop));
      i = stop;
    } else if (c === '/' && (lastSignificant === '' || '(,=:[!&|?{};'.includes(lastSignificant))) {
      // a regex literal
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        else if (src[j] === '/' && !inClass) break;
        j++;
      }
      out += src.slice(i, j + 1);
      i = j + 1;
      lastSignificant = '/';
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
      lastSignificant = c;
    } else if (c === '`') {
      out += c;
      i++;
      template();
      lastSignificant = '`';
    } else if (c === '{') {
      depth++;
      out += c;
      i++;
      lastSignificant = c;
    } else if (c === '}') {
      if (braces.length > 0 && braces[braces.length - 1] === depth) {
        braces.pop();
        depth--;
        out += c;
        i++;
        template();
        lastSignificant = '`';
      } else {
        depth--;
        out += c;
        i++;
        lastSignificant = c;
      }
    } else {
      out += c;
      i++;
      if (!/\s/.test(c)) lastSignificant = c;
    }
  }
  return out;
}

/** Local names bound to table objects by this file's imports (`import { a, b as c } from '…tables.js'`). */
export function importedTables(file: string, code: string, declsByFile: Map<string, TableDecl[]>): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of code.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+['"]([^'"]+)['"]/g)) {
    if (m[1]) continue;
    const spec = m[3]!;
    if (!spec.startsWith('.')) continue;
    const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    const decls = target === 'src/adapters/db/schema.ts' ? [...declsByFile.values()].flat() : declsByFile.get(target);
    if (!decls) continue;
    const byIdent = new Map(decls.map((d) => [d.ident, d.table]));
    const clause = m[2]!;
    const ns = /\*\s+as\s+(\w+)/.exec(clause);
    if (ns) {
      for (const d of decls) out.set(`${ns[1]}.${d.ident}`, d.table);
      continue;
    }
    const named = /\{([^}]*)\}/.exec(clause)?.[1] ?? '';
    for (const part of named.split(',')) {
      const pm = /^\s*(?:type\s+)?(\w+)(?:\s+as\s+(\w+))?\s*$/.exec(part);
      if (!pm || /^\s*type\s/.test(part)) continue;
      const table = byIdent.get(pm[1]!);
      if (table) out.set(pm[2] ?? pm[1]!, table);
    }
  }
  return out;
}

/** Every write in one file's source. */
export function findWrites(file: string, source: string, declsByFile: Map<string, TableDecl[]>): Write[] {
  const code = stripComments(source);
  const known = new Set([...declsByFile.values()].flat().map((d) => d.table));
  const tables = importedTables(file, code, declsByFile);
  const lineAt = (index: number) => code.slice(0, index).split('\n').length;
  const writes: Write[] = [];
  // Raw SQL. The verb must start a word; `on conflict … do update set` and `for update` name no table.
  const rawSql = /(?<![\w.])(?<!\bdo\s+)(insert\s+into|update|delete\s+from)\s+(?:only\s+)?(?:"?public"?\s*\.\s*)?(?:"(\w+)"|(\w+)\b|\$\{\s*([\w.]+)\s*\}|\$\{)/gi;
  for (const m of code.matchAll(rawSql)) {
    const name = (m[2] ?? m[3])?.toLowerCase();
    if (name !== undefined) {
      if (known.has(name)) writes.push({ file, table: name, line: lineAt(m.index) });
    } else {
      // `${table}` interpolates a table object; anything else (`${sql.identifier(t)}`) is computed.
      writes.push({ file, table: (m[4] !== undefined ? tables.get(m[4]) : undefined) ?? DYNAMIC, line: lineAt(m.index) });
    }
  }
  // Drizzle: db.insert(t), tx.update(t), db.delete(t) with t an imported table object.
  for (const m of code.matchAll(/\.(insert|update|delete)\(\s*([\w]+(?:\.[\w]+)?)\s*[,)]/g)) {
    const t = tables.get(m[2]!);
    if (t) writes.push({ file, table: t, line: lineAt(m.index) });
  }
  return writes;
}

/** Writes whose file is outside the table's owner module. */
export function foreignWrites(writes: Write[], ownerOf: Map<string, string>): Write[] {
  return writes.filter((w) => w.table === DYNAMIC || ownerOf.get(w.table) !== moduleOf(w.file));
}

// ---- the repository -----------------------------------------------------------------------------

const root = join(dirname(new URL(import.meta.url).pathname), '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
    const p = posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function scanRepository() {
  const files = sourceFiles('src').filter((f) => !f.split('/').includes('migrations'));
  const read = (f: string) => readFileSync(join(root, f), 'utf8');
  const declsByFile = new Map<string, TableDecl[]>();
  for (const f of files.filter((f) => f.endsWith('.tables.ts'))) declsByFile.set(f, tableDecls(f, read(f)));
  const ownerOf = new Map([...declsByFile.values()].flat().map((d) => [d.table, d.owner]));
  const writes = files.flatMap((f) => findWrites(f, read(f), declsByFile));
  return { files, declsByFile, ownerOf, writes };
}

const key = (w: { file: string; table: string }) => `${w.file} -> ${w.table}`;

describe('the write scanner', () => {
  const decls = new Map<string, TableDecl[]>([
    ['src/modules/messaging/messaging.tables.ts', tableDecls('src/modules/messaging/messaging.tables.ts', `export const messages = pgTable(\n  'messages', {})`)],
    ['src/modules/contacts/contacts.tables.ts', tableDecls('src/modules/contacts/contacts.tables.ts', `export const contacts = pgTable('contacts', {});\nexport const contactTags = pgTable('contact_tags', {})`)],
  ]);
  const ownerOf = new Map([...decls.values()].flat().map((d) => [d.table, d.owner]));

  it('finds a foreign write in raw SQL, with an alias, in any case, and in Drizzle calls', () => {
    const fixture = [
      `import { sql } from 'drizzle-orm';`,
      `import { contacts as people, type contactTags } from '../contacts/contacts.tables.js';`,
      `// update messages set status = 'x' (a comment: not a write)`,
      `/* delete from contacts */`,
      `export async function f(db) {`,
      `  await db.execute(sql\`UPDATE messages m set status = 'sent' -- insert into contact_tags here is a SQL comment`,
      `    from x on conflict (id) do update set a = 1 for update skip locked\`);`,
      `  await db.insert(people).values({});`,
      `  await db.select().from(people);`,
      `  const s = new Set<string>(); s.delete('x');`,
      `  await db.execute(sql\`with d as (delete from "contact_tags" where id = \${1} returning 1) select 1\`);`,
      `  await db.execute(sql\`update \${sql.identifier(t)} set a = 1\`);`,
      `}`,
    ].join('\n');
    const writes = findWrites('src/modules/broadcasts/x.ts', fixture, decls);
    expect(writes.map((w) => `${w.table}@${w.line}`).sort()).toEqual(['(dynamic)@12', 'contact_tags@11', 'contacts@8', 'messages@6']);
    expect(foreignWrites(writes, ownerOf).map(key).sort()).toEqual([
      'src/modules/broadcasts/x.ts -> (dynamic)',
      'src/modules/broadcasts/x.ts -> contact_tags',
      'src/modules/broadcasts/x.ts -> contacts',
      'src/modules/broadcasts/x.ts -> messages',
    ]);
  });

  it("leaves the owner's own writes alone", () => {
    const own = `import { messages } from './messaging.tables.js';\nexport const f = (db) => db.update(messages).set({});\nexport const g = (db) => db.execute(sql\`insert into messages (id) values (1)\`);\n`;
    const writes = findWrites('src/modules/messaging/outbox.service.ts', own, decls);
    expect(writes).toHaveLength(2);
    expect(foreignWrites(writes, ownerOf)).toEqual([]);
  });
});

describe('one owner per table', () => {
  const { files, declsByFile, ownerOf, writes } = scanRepository();

  it('reads the real tree (the scanner sees the owners writing their tables)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(ownerOf.get('messages')).toBe('messaging');
    expect(ownerOf.get('opt_out_notes')).toBe('consent');
    expect([...declsByFile.values()].flat().length).toBeGreaterThan(30);
    expect(writes.length).toBeGreaterThan(80);
    expect(writes.some((w) => w.table === 'messages' && moduleOf(w.file) === 'messaging')).toBe(true);
  });

  it('has no write outside the owner module except the allow-listed ones', () => {
    const allowed = new Set(ALLOWED.map(key));
    const unexpected = [...new Set(foreignWrites(writes, ownerOf).filter((w) => !allowed.has(key(w))).map((w) => `${w.file}:${w.line} writes ${w.table} (owner: ${ownerOf.get(w.table) ?? '?'})`))];
    expect(unexpected, 'call the owner module through its index instead').toEqual([]);
  });

  it('has no stale allow-list entry (the list only shrinks)', () => {
    const found = new Set(foreignWrites(writes, ownerOf).map(key));
    expect(ALLOWED.filter((a) => !found.has(key(a))).map(key), 'remove these entries from ALLOWED').toEqual([]);
    expect(ALLOWED.every((a) => a.why.trim().length > 0)).toBe(true);
    expect(new Set(ALLOWED.map(key)).size).toBe(ALLOWED.length);
  });
});

