import { AppError } from '../../lib/errors.js';
import { isBsuid } from '../../lib/phone/index.js';
import { createOutboundFetch, OutboundError, type OutboundFetch } from '../../lib/outbound/index.js';
import type { NumberCredentials, OutboundMessage, RemoteQrCode, SendRequest, WhatsAppGateway } from '../../modules/messaging/index.js';
import { metaErrorToAppError } from './error-codes.js';

/** Options for the Cloud API client. */
export interface CloudApiClientOptions {
  /** Request timeout; after it a send counts as "may have been received". */
  timeoutMs?: number;
  /** The outbound guard every request goes through (default: Meta's Graph host only). */
  outbound?: OutboundFetch;
}

/**
 * The Cloud API has no idempotency key, so a failed send must say whether Meta may have acted:
 * a failure before the connection was made is safe to retry; a timeout or reset after it is not.
 * Why no network detail (ECONNREFUSED, reset, DNS): telling them apart let an admin use the
 * server as a port scanner through api_base_url; the guard reports them all alike.
 */
function networkError(err: unknown, isSend: boolean): AppError {
  if (err instanceof OutboundError && err.reason === 'refused') {
    return new AppError('OUTBOUND_URL_REFUSED', "the number's api_base_url is not an allowed Cloud API address; set it to https://graph.facebook.com (with the access token again)", { field: 'api_base_url' }, { retry: 'permanent_account' });
  }
  const reached = err instanceof OutboundError ? err.reached : true;
  if (!reached || !isSend) {
    return new AppError('WHATSAPP_CONNECTION_FAILED', 'could not reach the WhatsApp Cloud API; the request was not completed', undefined, { retry: 'transient' });
  }
  return new AppError('WHATSAPP_SEND_UNCERTAIN', 'no answer from the WhatsApp Cloud API; the message may have been sent', undefined, { retry: 'uncertain' });
}

function wireMessage(m: OutboundMessage): Record<string, unknown> {
  switch (m.type) {
    case 'text':
      return { type: 'text', text: { body: m.text, preview_url: m.previewUrl ?? false } };
    case 'template':
      return { type: 'template', template: { name: m.name, language: { code: m.language, policy: 'deterministic' }, ...(m.components?.length ? { components: m.components } : {}) } };
    case 'interactive':
      return { type: 'interactive', interactive: m.interactive };
    case 'reaction':
      return { type: 'reaction', reaction: { message_id: m.messageId, emoji: m.emoji } };
    case 'location':
      return { type: 'location', location: { latitude: m.latitude, longitude: m.longitude, name: m.name, address: m.address } };
    default:
      return { type: m.type, [m.type]: m.media };
  }
}

function qrOf(q: Record<string, unknown>): RemoteQrCode {
  return {
    code: String(q.code),
    prefilledMessage: String(q.prefilled_message ?? ''),
    deepLinkUrl: String(q.deep_link_url ?? `https://wa.me/message/${String(q.code)}`),
    ...(typeof q.qr_image_url === 'string' ? { qrImageUrl: q.qr_image_url } : {}),
  };
}

/** Builds the real Cloud API adapter (graph.facebook.com, or the simulator on loopback). */
export function createCloudApiClient(opts: CloudApiClientOptions = {}): WhatsAppGateway {
  const doFetch = opts.outbound ?? createOutboundFetch({ allowed: [], reach: 'graph' });
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call<T>(creds: NumberCredentials, method: string, path: string, body?: unknown, isSend = false, form?: FormData): Promise<T> {
    const url = `${creds.apiBaseUrl.replace(/\/$/, '')}/${creds.apiVersion}/${path}`;
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers: { authorization: `Bearer ${creds.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw networkError(err, isSend);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw networkError(err, isSend);
    }
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    const graphError = (json as { error?: { code?: unknown } } | undefined)?.error;
    if (!res.ok || graphError) {
      if (graphError && typeof graphError.code === 'number') throw metaErrorToAppError(graphError.code, res.status);
      if (res.status >= 500) {
        // A 5xx without a Graph error body: the server failed mid-way; for a send, Meta may have accepted it.
        throw isSend
          ? new AppError('WHATSAPP_SEND_UNCERTAIN', 'the WhatsApp Cloud API failed after the request; the message may have been sent', { http_status: res.status }, { retry: 'uncertain' })
          : new AppError('WHATSAPP_TRANSIENT', 'the WhatsApp Cloud API is temporarily unavailable', { http_status: res.status }, { retry: 'transient' });
      }
      throw new AppError('WHATSAPP_REQUEST_INVALID', 'the WhatsApp Cloud API rejected the request', { http_status: res.status }, { retry: 'permanent_content' });
    }
    if (json === undefined) throw new AppError('WHATSAPP_SEND_UNCERTAIN', 'the WhatsApp Cloud API answered with something that is not JSON', { http_status: res.status }, { retry: isSend ? 'uncertain' : 'transient' });
    return json as T;
  }

  return {
    async sendMessage(creds, req: SendRequest) {
      const body = {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        // A user known only by a business-scoped user id is addressed by `recipient`, not `to`.
        ...(isBsuid(req.to) ? { recipient: req.to } : { to: req.to }),
        biz_opaque_callback_data: req.callbackData,
        ...(req.replyToWamid ? { context: { message_id: req.replyToWamid } } : {}),
        ...wireMessage(req.message),
      };
      const res = await call<{ contacts?: { wa_id?: string; user_id?: string }[]; messages?: { id: string; message_status?: string }[] }>(creds, 'POST', `${creds.phoneNumberId}/messages`, body, true);
      const msg = res.messages?.[0];
      if (!msg?.id) throw new AppError('WHATSAPP_SEND_UNCERTAIN', 'the WhatsApp Cloud API accepted the request but returned no message id', undefined, { retry: 'uncertain' });
      return { wamid: msg.id, waId: res.contacts?.[0]?.wa_id, messageStatus: msg.message_status ?? 'accepted' };
    },
    async markRead(creds, wamid, showTyping) {
      await call(creds, 'POST', `${creds.phoneNumberId}/messages`, {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: wamid,
        ...(showTyping ? { typing_indicator: { type: 'text' } } : {}),
      });
    },
    async listTemplates(creds, after) {
      const qs = new URLSearchParams({ fields: 'id,name,status,category,language,components,parameter_format,quality_score', limit: '100', ...(after ? { after } : {}) });
      const res = await call<{ data: Record<string, unknown>[]; paging?: { cursors?: { after?: string }; next?: string } }>(creds, 'GET', `${creds.wabaId}/message_templates?${qs}`);
      return {
        data: res.data.map((t) => ({
          id: String(t.id),
          name: String(t.name),
          language: String(t.language),
          status: String(t.status),
          category: String(t.category),
          components: (t.components as unknown[]) ?? [],
          ...(t.parameter_format ? { parameterFormat: String(t.parameter_format) } : {}),
          ...(t.quality_score ? { qualityScore: String((t.quality_score as { score?: string }).score ?? t.quality_score) } : {}),
        })),
        after: res.paging?.next ? res.paging.cursors?.after : undefined,
      };
    },
    async createTemplate(creds, def) {
      const res = await call<{ id: string; status: string; category: string }>(creds, 'POST', `${creds.wabaId}/message_templates`, {
        name: def.name,
        language: def.language,
        category: def.category,
        components: def.components,
        ...(def.parameterFormat ? { parameter_format: def.parameterFormat } : {}),
      });
      return { id: String(res.id), status: res.status, category: res.category };
    },
    async deleteTemplate(creds, name, templateId) {
      const qs = new URLSearchParams({ name, ...(templateId ? { hsm_id: templateId } : {}) });
      await call(creds, 'DELETE', `${creds.wabaId}/message_templates?${qs}`);
    },
    async uploadMedia(creds, file) {
      const form = new FormData();
      form.set('messaging_product', 'whatsapp');
      form.set('type', file.mimeType);
      form.set('file', new Blob([file.bytes], { type: file.mimeType }), file.filename);
      const res = await call<{ id: string }>(creds, 'POST', `${creds.phoneNumberId}/media`, undefined, false, form);
      return { id: String(res.id) };
    },
    async getNumberInfo(creds) {
      const res = await call<Record<string, unknown>>(creds, 'GET', `${creds.phoneNumberId}?fields=display_phone_number,verified_name,quality_rating,throughput,messaging_limit_tier`);
      return {
        ...(res.display_phone_number ? { displayNumber: String(res.display_phone_number) } : {}),
        ...(res.verified_name ? { verifiedName: String(res.verified_name) } : {}),
        ...(res.quality_rating ? { qualityRating: String(res.quality_rating) } : {}),
        ...((res.throughput as { level?: string } | undefined)?.level ? { throughputLevel: String((res.throughput as { level: string }).level) } : {}),
        ...(res.messaging_limit_tier ? { messagingLimitTier: String(res.messaging_limit_tier) } : {}),
      };
    },
    async upsertQrCode(creds, q) {
      const res = await call<Record<string, unknown>>(creds, 'POST', `${creds.phoneNumberId}/message_qrdls`, {
        prefilled_message: q.prefilledMessage,
        ...(q.code ? { code: q.code } : {}),
        ...(q.imageFormat ? { generate_qr_image: q.imageFormat.toUpperCase() } : {}),
      });
      return qrOf(res);
    },
    async listQrCodes(creds, code) {
      const res = await call<{ data?: Record<string, unknown>[] }>(creds, 'GET', `${creds.phoneNumberId}/message_qrdls${code ? `/${encodeURIComponent(code)}` : ''}`);
      return (res.data ?? []).map(qrOf);
    },
    async deleteQrCode(creds, code) {
      await call(creds, 'DELETE', `${creds.phoneNumberId}/message_qrdls/${encodeURIComponent(code)}`);
    },
  };
}
