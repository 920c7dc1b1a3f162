// Business-scoped user ids (BSUIDs): how WhatsApp names a user who may share no phone number.

const BSUID = /^[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}$/;

/**
 * True for a business-scoped user id: a two-letter ISO country code, a dot, then up to 128 letters
 * and digits (e.g. `US.13491208655302741918`); parent BSUIDs put `ENT.` after the country. Meta
 * gives one to every user; a user who adopts a username may share nothing else.
 */
export function isBsuid(value: string): boolean {
  return BSUID.test(value);
}

/**
 * What to hand the Cloud API as the recipient of a send: `+digits` for a wa_id, the BSUID as is.
 * Why: the message log and the service windows key a user by that address, which is the wa_id
 * when the user shares a phone and the BSUID when not.
 */
export function recipientAddress(waIdOrBsuid: string): string {
  return isBsuid(waIdOrBsuid) ? waIdOrBsuid : `+${waIdOrBsuid}`;
}
