import { z } from 'zod';
import { CANNED_VARIABLES, unknownVariables } from './canned.rules.js';

const known = Object.keys(CANNED_VARIABLES).map((v) => `{{${v}}}`).join(', ');
const cannedText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(4096)
  .superRefine((text, c) => {
    const unknown = unknownVariables(text);
    if (unknown.length > 0) c.addIssue({ code: 'custom', message: `unknown variable ${unknown.map((v) => `{{${v}}}`).join(', ')}; use ${known} (a fallback after a bar: {{first_name|there}})` });
  })
  .describe(`the reply; variables ${known} are filled in when it is used ({{first_name|there}}: "there" when the contact has no name)`);

/** Creating a canned reply. */
export const cannedReplyIn = z.strictObject({
  shortcut: z.string().trim().min(1, 'must not be empty').max(60).regex(/^[\p{L}\p{N}_-]+$/u, 'use letters, digits, - or _ (e.g. "opening-hours")').describe('what agents pick it by, unique in the workspace'),
  text: cannedText,
});
/** Changing a canned reply. */
export const cannedReplyPatch = cannedReplyIn.partial();

/** A canned reply as stored (variables not filled). */
export const cannedReplyOut = z.object({ id: z.string(), shortcut: z.string(), text: z.string(), variables: z.array(z.string()), created_at: z.string(), updated_at: z.string() });
export type CannedReplyOut = z.infer<typeof cannedReplyOut>;

/** A canned reply filled in for one conversation. */
export const renderedCannedOut = cannedReplyOut.extend({ rendered: z.string().describe('the text with the variables filled for this conversation') });
export type RenderedCannedOut = z.infer<typeof renderedCannedOut>;

/** `GET /api/v1/canned-replies` query. */
export const cannedListQuery = z.object({ q: z.string().trim().min(1).max(100).optional().describe('words in the shortcut or the text') });
