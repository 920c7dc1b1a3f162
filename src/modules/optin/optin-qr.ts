// QR codes of click-to-chat links, for print (PNG) and design tools (SVG).

/** QR image formats a source can be downloaded in. */
export type QrFormat = 'png' | 'svg';

/**
 * Renders `url` as a QR code. Error correction "M" (15 %) survives a scuffed flyer or a logo
 * sticker while keeping the code small; the quiet zone of 4 modules is what scanners expect.
 */
export async function renderQr(url: string, format: 'png', size?: number): Promise<Buffer>;
export async function renderQr(url: string, format: 'svg', size?: number): Promise<string>;
export async function renderQr(url: string, format: QrFormat, size = 512): Promise<Buffer | string> {
  // Loaded on first use: QR codes are rare, start-up time is a target.
  const { default: QRCode } = await import('qrcode');
  const options = { errorCorrectionLevel: 'M' as const, margin: 4, width: size };
  return format === 'png' ? QRCode.toBuffer(url, { ...options, type: 'png' }) : QRCode.toString(url, { ...options, type: 'svg' });
}
