import { z } from 'zod';

const media = z
  .strictObject({
    id: z.string().max(100).optional(),
    link: z.url().optional(),
    caption: z.string().max(1024, 'captions are at most 1,024 characters').optional(),
    filename: z.string().max(240).optional(),
  })
  .refine((m) => Boolean(m.id) !== Boolean(m.link), { message: 'give exactly one of id (uploaded media) or link' });

const replyButton = z.strictObject({ id: z.string().min(1).max(256), title: z.string().min(1).max(20, 'button titles are at most 20 characters') });

/** A one-to-one message an agent sends inside the 24-hour customer-service window. */
export const conversationMessageIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().min(1, 'must not be empty').max(4096, 'WhatsApp text is at most 4,096 characters'), preview_url: z.boolean().optional(), number_id: z.uuid().optional() }),
  z.strictObject({
    type: z.literal('buttons'),
    text: z.string().min(1).max(1024),
    buttons: z.array(replyButton).min(1, 'give 1 to 3 buttons').max(3, 'WhatsApp allows at most 3 reply buttons'),
    number_id: z.uuid().optional(),
  }),
  z.strictObject({ type: z.enum(['image', 'video', 'audio', 'document']), media, number_id: z.uuid().optional() }),
]);

export type ConversationMessageIn = z.infer<typeof conversationMessageIn>;
