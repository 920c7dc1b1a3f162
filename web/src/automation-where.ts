// Event property filters ("where") as a line of text: `product = shoes, paid = true, total = 40`.
// Numbers and true/false are compared as such; quote a value ("40") to compare it as text.

/** Event properties that must be equal, as the API takes them. */
export type Where = Record<string, string | number | boolean>;

const looksTyped = (v: string) => v === 'true' || v === 'false' || /^-?\d+(\.\d+)?$/.test(v);

function valueOf(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  const quoted = /^"(.*)"$/.exec(text);
  return quoted ? quoted[1]! : text;
}

/** "product = shoes, paid = true", or "" for no filter. */
export function whereText(where: Where | undefined): string {
  if (!where) return '';
  return Object.entries(where)
    .map(([k, v]) => `${k} = ${typeof v === 'string' && looksTyped(v) ? `"${v}"` : String(v)}`)
    .join(', ');
}

/** Reads `key = value` pairs separated by commas; a part without "=" or a name is named as the problem. */
export function parseWhere(text: string): { where: Where | undefined; problem?: string } {
  const where: Where = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf('=');
    const key = at < 0 ? '' : part.slice(0, at).trim();
    const value = at < 0 ? '' : part.slice(at + 1).trim();
    if (!key || !value) return { where: Object.keys(where).length > 0 ? where : undefined, problem: `“${part}”: write it as property = value` };
    where[key] = valueOf(value);
  }
  return { where: Object.keys(where).length > 0 ? where : undefined };
}
