// Reads the README's ```sh blocks for test/readme-walkthrough.test.ts: which ones the walkthrough
// runs, and which it skips (an HTML comment `<!-- walkthrough: skip (reason) -->` right above).
import { readFileSync } from 'node:fs';

/** One fenced shell block of the README. */
export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's text, without the fences. */
  code: string;
  /** Why the walkthrough does not run it; undefined when it runs. */
  skip: string | undefined;
}

const SKIP = /^<!--\s*walkthrough:\s*skip\s*\((.+)\)\s*-->$/;

/** The ```sh blocks of `markdown`, in order. */
export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(sh|bash|shell)\s*$/.test(lines[i]!)) {
      if (/^```/.test(lines[i]!)) {
        // Skip over any other fenced block (its content could hold a ``` line of its own).
        const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
        if (end > i) i = end;
      }
      continue;
    }
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`README line ${i + 1}: unclosed shell block`);
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const skip = k >= 0 ? SKIP.exec(lines[k]!.trim())?.[1] : undefined;
    blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), skip });
    i = end;
  }
  return blocks;
}

/** The README's shell blocks. */
export function readmeBlocks(path = new URL('../../README.md', import.meta.url)): ShellBlock[] {
  return shellBlocks(readFileSync(path, 'utf8'));
}
