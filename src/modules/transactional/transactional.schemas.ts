import { z } from 'zod';
import { VARIABLE_FIELDS } from '../templates/index.js';

// Variable sources as broadcasts take them, minus tracked links (a transactional message has no broadcast to track).
const variableSource = z.union([
  z.strictObject({ field: z.enum(VARIABLE_FIELDS), fallback: z.string().max(1024).optional() }),
  z.strictObject({ attribute: z.string().min(1).max(64), fallback: z.string().max(1024).optional() }),
  z.strictObject({ value: z.string().min(1).max(1024) }),
]);

const E164 = /^\+[1-9]\d{6,14}$/;

/** A transactional template send to one contact (POST /api/v1/messages). */
export const transactionalSendIn = z
  .strictObject({
    contact_id: z.uuid('must be the id of a contact of this workspace (GET /api/v1/contacts)').optional().describe('the recipient; give contact_id or phone'),
    phone: z.string().max(32).regex(E164, 'use E.164, e.g. "+14155550123"').optional().describe('the recipient by phone: must be an existing contact of this workspace (consent is recorded on contacts)'),
    template: z.strictObject({
      name: z.string().min(1).max(512),
      language: z.string().min(2).max(15).describe('exactly as approved, e.g. "en_US" (en and en_US are different templates)'),
      variables: z.record(z.string().max(64), variableSource).optional().describe('parameter key (body.1, header.1, button.0, header.media) → {"field": …, "fallback"?}, {"attribute": …, "fallback"?} or {"value": …}'),
    }),
    topic: z.string().min(1).max(48).describe('key of the topic the message is about: the contact must have granted it; its category must match the template (marketing ↔ MARKETING, utility ↔ UTILITY)'),
    number_id: z.uuid('must be the id of a connected number (GET /api/v1/phone-numbers)').optional().describe('the business number to send from (default: the only connected one)'),
  })
  .superRefine((d, ctx) => {
    if (d.contact_id && d.phone) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'give contact_id or phone, not both' });
    if (!d.contact_id && !d.phone) ctx.addIssue({ code: 'custom', path: ['contact_id'], message: 'required: the contact to send to (or give phone)' });
  });
export type TransactionalSendIn = z.infer<typeof transactionalSendIn>;
