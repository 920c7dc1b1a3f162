import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { NumberState, SimContext } from './context.js';
import { faultError, isRejectingFault, pickFault } from './faults.js';
import { authenticate, callerNumber } from './graph-auth.js';
import { GraphError } from './graph-errors.js';
import { baseUrlOf } from './media-routes.js';

/** A click-to-chat QR code (Meta's "message QR deep link", `message_qrdls`). */
export interface QrCodeRecord {
  code: string;
  phoneNumberId: string;
  prefilledMessage: string;
  createdAt: number;
}

// Meta: at most 2,000 QR codes and short links per number; the prefilled message is up to 140 characters.
const MAX_PER_NUMBER = 2000;
const MAX_MESSAGE = 140;
const FORMATS = ['SVG', 'PNG'] as const;
type Format = (typeof FORMATS)[number];

type Params = { version: string; id: string; code?: string };
type Input = Record<string, unknown>;

// Graph reads parameters from the query string and from the body alike (whatsapp-api-js uses the query).
function inputOf(req: FastifyRequest): Input {
  const body = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? (req.body as Input) : {};
  return { ...(req.query as Input), ...body };
}

function formatOf(v: unknown): Format | undefined {
  if (v === undefined || v === '') return undefined;
  const f = String(v).toUpperCase();
  if (!(FORMATS as readonly string[]).includes(f)) throw new GraphError(100, { message: `(#100) Param generate_qr_image must be one of {SVG, PNG} - got "${String(v)}".` });
  return f as Format;
}

function messageOf(v: unknown, required: boolean): string | undefined {
  if (v === undefined) {
    if (required) throw new GraphError(100, { message: '(#100) The parameter prefilled_message is required.' });
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') throw new GraphError(100, { details: 'prefilled_message must be a non-empty string.' });
  if ([...v].length > MAX_MESSAGE) throw new GraphError(100, { details: `prefilled_message is limited to ${MAX_MESSAGE} characters (got ${[...v].length}).` });
  return v;
}

function view(req: FastifyRequest, q: QrCodeRecord, format: Format | undefined): Record<string, unknown> {
  return {
    code: q.code,
    prefilled_message: q.prefilledMessage,
    deep_link_url: `https://wa.me/message/${q.code}`,
    ...(format ? { qr_image_url: `${baseUrlOf(req)}/_sim/qr/${q.code}.${format.toLowerCase()}` } : {}),
  };
}

function numberFor(ctx: SimContext, req: FastifyRequest<{ Params: Params }>, method: string): NumberState {
  const n = callerNumber(authenticate(ctx, req, req.params.version), req.params.id, method);
  const fault = pickFault(ctx, 'phone_number', n.config.phoneNumberId);
  if (isRejectingFault(fault)) throw faultError(fault);
  return n;
}

function existing(ctx: SimContext, n: NumberState, code: string): QrCodeRecord {
  const q = ctx.qrCodes.get(code);
  if (!q || q.phoneNumberId !== n.config.phoneNumberId) throw new GraphError(100, { details: `QR code ${code} does not exist for this phone number.` });
  return q;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

// 14 characters of [A-Z2-7], like Meta's codes (e.g. "ANED2T5QRU7HG1"); deterministic for a seed.
function newCode(ctx: SimContext): string {
  for (;;) {
    const hex = ctx.ids.hex32();
    let code = '';
    for (let i = 0; i < 14; i++) code += BASE32[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % 32];
    if (!ctx.qrCodes.has(code)) return code;
  }
}

function createOrUpdate(ctx: SimContext, req: FastifyRequest<{ Params: Params }>): Record<string, unknown> {
  const n = numberFor(ctx, req, 'POST');
  const input = inputOf(req);
  const format = formatOf(input.generate_qr_image);
  const code = req.params.code ?? (typeof input.code === 'string' && input.code !== '' ? input.code : undefined);
  if (code !== undefined) {
    const q = existing(ctx, n, code);
    q.prefilledMessage = messageOf(input.prefilled_message, true)!;
    return view(req, q, format);
  }
  const prefilledMessage = messageOf(input.prefilled_message, true)!;
  const count = [...ctx.qrCodes.values()].filter((q) => q.phoneNumberId === n.config.phoneNumberId).length;
  if (count >= MAX_PER_NUMBER) throw new GraphError(100, { details: `A phone number can have at most ${MAX_PER_NUMBER} QR codes and short links.` });
  const q: QrCodeRecord = { code: newCode(ctx), phoneNumberId: n.config.phoneNumberId, prefilledMessage, createdAt: ctx.clock.now() };
  ctx.qrCodes.set(q.code, q);
  return view(req, q, format);
}

/**
 * Registers `/{phone-number-id}/message_qrdls`: create (POST), update (POST with `code`, or POST
 * `/{code}`), list or read (GET, `?generate_qr_image=` adds image URLs), delete (DELETE `/{code}`),
 * and the image itself at `/_sim/qr/{code}.svg|png` (Meta serves it from its CDN, without a token).
 */
export function registerQrRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post<{ Params: Params }>('/:version/:id/message_qrdls', async (req) => createOrUpdate(ctx, req));
  app.post<{ Params: Params }>('/:version/:id/message_qrdls/:code', async (req) => createOrUpdate(ctx, req));

  const read = async (req: FastifyRequest<{ Params: Params }>) => {
    const n = numberFor(ctx, req, 'GET');
    const input = inputOf(req);
    const format = formatOf(input.generate_qr_image);
    const code = req.params.code || (typeof input.code === 'string' && input.code !== '' ? input.code : undefined);
    const list = code !== undefined ? [existing(ctx, n, code)] : [...ctx.qrCodes.values()].filter((q) => q.phoneNumberId === n.config.phoneNumberId);
    return { data: list.map((q) => view(req, q, format)) };
  };
  app.get<{ Params: Params }>('/:version/:id/message_qrdls', read);
  app.get<{ Params: Params }>('/:version/:id/message_qrdls/:code', read);

  app.delete<{ Params: Params }>('/:version/:id/message_qrdls/:code', async (req) => {
    const n = numberFor(ctx, req, 'DELETE');
    ctx.qrCodes.delete(existing(ctx, n, req.params.code!).code);
    return { success: true };
  });

  app.get<{ Params: { file: string } }>('/_sim/qr/:file', async (req, reply) => {
    const m = /^([A-Z2-7]+)\.(svg|png)$/.exec(req.params.file);
    const q = m ? ctx.qrCodes.get(m[1]!) : undefined;
    if (!m || !q) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such QR image (it was deleted, or never existed).' } });
    const { default: QRCode } = await import('qrcode');
    const url = `https://wa.me/message/${q.code}`;
    const options = { errorCorrectionLevel: 'M' as const, margin: 4, width: 512 };
    if (m[2] === 'png') return reply.type('image/png').send(await QRCode.toBuffer(url, { ...options, type: 'png' }));
    return reply.type('image/svg+xml').send(await QRCode.toString(url, { ...options, type: 'svg' }));
  });
}
