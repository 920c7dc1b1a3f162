// Connected WhatsApp numbers through the public API (/api/v1/phone-numbers): connect, test, rotate the token, disconnect.
import { gl, unwrap } from './api-client';
import type { BodyOf } from './api-schema';

/** What connects a number (its secrets are write-only: no answer ever holds them). */
export type ConnectNumberBody = BodyOf<'/api/v1/phone-numbers', 'post'>;
/** What may change on a connected number. */
export type NumberPatch = BodyOf<'/api/v1/phone-numbers/{id}', 'patch'>;

/** Connects a number (422 names the field at fault). */
export const connectNumber = (body: ConnectNumberBody) => unwrap(gl.POST('/api/v1/phone-numbers', { body }));
/** Changes a number's secrets or settings; only the named fields change. */
export const updateNumber = (id: string, patch: NumberPatch) => unwrap(gl.PATCH('/api/v1/phone-numbers/{id}', { params: { path: { id } }, body: patch }));
/** Disconnects a number. */
export const disconnectNumber = (id: string) => unwrap(gl.DELETE('/api/v1/phone-numbers/{id}', { params: { path: { id } } }));
/** Asks the Cloud API for the number's quality rating, messaging tier and throughput (fails when it refuses the token). */
export const testNumberConnection = (id: string) => unwrap(gl.POST('/api/v1/phone-numbers/{id}/refresh', { params: { path: { id } } }));
/** Where Meta must send this workspace's webhooks (the app's own origin). */
export const webhookUrl = (): string => `${window.location.origin}/webhooks/whatsapp`;
