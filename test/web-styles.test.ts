import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, '..', 'web', 'src');

/** The line where a block opened and was never closed, if any (comments and strings skipped). */
function unclosedBlock(css: string): number | null {
  const opened: number[] = [];
  let line = 1;
  for (let i = 0; i < css.length; i++) {
    const ch = css[i]!;
    if (ch === '\n') line++;
    else if (ch === '/' && css[i + 1] === '*') {
      const end = css.indexOf('*/', i + 2);
      line += css.slice(i, end).split('\n').length - 1;
      i = end + 1;
    } else if (ch === '"' || ch === "'") i = css.indexOf(ch, i + 1);
    else if (ch === '{') opened.push(line);
    else if (ch === '}') opened.pop();
  }
  return opened.length > 0 ? opened[0]! : null;
}

describe('the admin app’s style sheets', () => {
  // Why: a block left open (a merge dropped one `}`) is still valid CSS to the bundler, and silently
  // moves every later rule into it (the phone-only rules applied to every screen size).
  it.each(readdirSync(dir).filter((f) => f.endsWith('.css')))('%s closes every block it opens', (file) => {
    expect(unclosedBlock(readFileSync(join(dir, file), 'utf8'))).toBeNull();
  });
});
