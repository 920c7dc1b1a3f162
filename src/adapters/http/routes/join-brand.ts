// The hosted pages' brand colour: the header and buttons in the business's colour, with readable text on it.

const HEX = /^#([0-9a-fA-F]{6})$/;
const DARK_TEXT = '#1b1f23';

/** WCAG relative luminance of a #RRGGBB colour. */
export function luminanceOf(hex: string): number {
  const n = parseInt(HEX.exec(hex)![1]!, 16);
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** The WCAG contrast ratio of two luminances. */
function contrast(a: number, b: number): number {
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/** White or dark text on `hex`, whichever has the higher contrast. */
export function textColourOn(hex: string): '#ffffff' | typeof DARK_TEXT {
  const l = luminanceOf(hex);
  return contrast(1, l) >= contrast(luminanceOf(DARK_TEXT), l) ? '#ffffff' : DARK_TEXT;
}

/** The CSS that paints the header band and buttons in the brand colour; empty for none or a malformed value. */
export function brandCss(color: string | null | undefined): string {
  if (!color || !HEX.test(color)) return '';
  const c = color.toLowerCase();
  const text = textColourOn(c);
  return `\n.brand,button,.button{background:${c};color:${text}}`;
}
