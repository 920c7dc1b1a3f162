import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SimContext } from './context.js';
import { faultError, isRejectingFault, pickFault } from './faults.js';
import { authenticate, callerNumber } from './graph-auth.js';
import { GraphError, missingParam } from './graph-errors.js';
import type { MediaItem } from './media.js';

/** Base URL the caller used to reach the simulator (works behind inject and listen alike). */
export function baseUrlOf(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? 'localhost'}`;
}

/** The `GET /{media-id}` answer: a download URL valid for a few minutes (Meta: 5). */
export function mediaView(ctx: SimContext, req: FastifyRequest, item: MediaItem): Record<string, unknown> {
  const query = ctx.media.signedQuery(item.id, ctx.clock.now() + ctx.knobs.media.urlTtlMs);
  return {
    messaging_product: 'whatsapp',
    url: `${baseUrlOf(req)}/whatsapp_business/attachments/?${query}`,
    mime_type: item.mimeType,
    sha256: item.sha256,
    file_size: item.fileSize,
    id: item.id,
  };
}

/** Registers media upload and the download URL. */
export function registerMediaRoutes(app: FastifyInstance, ctx: SimContext): void {
  app.post<{ Params: { version: string; phoneNumberId: string } }>('/:version/:phoneNumberId/media', async (req) => {
    const caller = authenticate(ctx, req, req.params.version);
    const n = callerNumber(caller, req.params.phoneNumberId, 'POST');
    const fault = pickFault(ctx, 'media', n.config.phoneNumberId);
    if (isRejectingFault(fault)) throw faultError(fault);
    const ct = req.headers['content-type'] ?? '';
    if (!Buffer.isBuffer(req.body) || !ct.startsWith('multipart/form-data')) throw new GraphError(100, { details: 'Media upload needs a multipart/form-data body with messaging_product, type and file.' });
    let form: FormData;
    try {
      form = await new Response(req.body, { headers: { 'content-type': ct } }).formData();
    } catch {
      throw new GraphError(100, { details: 'The multipart body could not be parsed.' });
    }
    if (form.get('messaging_product') !== 'whatsapp') throw new GraphError(100, { message: '(#100) The parameter messaging_product is required.' });
    const file = form.get('file');
    if (!file || typeof file === 'string') throw missingParam('file');
    const type = form.get('type');
    const mime = typeof type === 'string' && type !== '' ? type : file.type;
    if (!mime) throw missingParam('type');
    const item = ctx.media.add(n.config.phoneNumberId, Buffer.from(await file.arrayBuffer()), mime, ctx.clock.now(), file.name);
    return { id: item.id };
  });

  // Stand-in for lookaside.fbsbx.com: the signed URL still needs the bearer token.
  app.get<{ Querystring: { mid?: string; ext?: string; hash?: string } }>('/whatsapp_business/attachments/', async (req, reply) => {
    const token = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token || ![...ctx.numbers.values()].some((n) => n.config.accessToken === token)) {
      return reply.code(401).type('text/plain').send('Unauthorized: a valid access token is required to download media.');
    }
    const found = ctx.media.verifyDownload(req.query, ctx.clock.now());
    if (found === 'expired') return reply.code(404).type('text/plain').send('URL signature expired');
    if (found === 'invalid') return reply.code(404).type('text/plain').send('Not Found');
    return reply.code(200).header('content-type', found.mimeType).header('content-length', found.fileSize).send(found.bytes);
  });
}
