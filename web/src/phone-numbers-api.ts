// Connected WhatsApp numbers through the public API (/api/v1/phone-numbers): connect, test, rotate the token, disconnect.
import { apiRequest, type PhoneNumber } from './api-client';
import type { BodyOf } from './api-schema';

/** What connects a number (its secrets are write-only: no answer ever holds them). */
export type ConnectNumberBody = BodyOf<'/api/v1/phone-numbers', 'post'>;
/** What may change on a connected number. */
export type NumberPatch = BodyOf<'/api/v1/phone-numbers/{id}', 'patch'>;

/** Connects a number (422 names the field at fault). */
export const connectNumber = (body: ConnectNumberBody) => apiRequest<PhoneNumber>('POST', '/phone-numbers', body);
/** Changes a number's secrets or settings; only the named fields change. */
export const updateNumber = (id: string, patch: NumberPatch) => apiRequest<PhoneNumber>('PATCH', `/phone-numbers/${encodeURIComponent(id)}`, patch);
/** Disconnects a number. */
export const disconnectNumber = (id: string) => apiRequest<undefined>('DELETE', `/phone-numbers/${encodeURIComponent(id)}`);
/** Asks the Cloud API for the number's quality rating, messaging tier and throughput (fails when it refuses the token). */
export const testNumberConnection = (id: string) => apiRequest<PhoneNumber>('POST', `/phone-numbers/${encodeURIComponent(id)}/refresh`);
/** Where Meta must send this workspace's webhooks (the app's own origin). */
export const webhookUrl = (): string => `${window.location.origin}/webhooks/whatsapp`;
