// Pure rules of a transactional send: which template fits which topic, and how the send gate's
// answer becomes the caller's error. No I/O.
import { AppError } from '../../lib/errors.js';
import type { GateVerdict } from '../sending/index.js';

/**
 * Why a template may not be sent under a topic, or null when it may. Why both ways: consent is
 * given for a purpose — marketing needs a marketing opt-in (Meta's policy, INV-CONSENT), and an
 * order update sent under a marketing topic would stop when the person turns marketing off.
 * AUTHENTICATION templates (one-time codes) are not list messages: no topic covers them here.
 */
export function templateTopicRefusal(templateCategory: string, topic: { key: string; category: string }): AppError | null {
  const category = templateCategory.toUpperCase();
  if (category === 'AUTHENTICATION') {
    return new AppError('TEMPLATE_CATEGORY_UNSUPPORTED', 'template.name: AUTHENTICATION templates (one-time codes) cannot be sent here; send a UTILITY or MARKETING template', { field: 'template.name', category });
  }
  const wanted = category === 'MARKETING' ? 'marketing' : category === 'UTILITY' ? 'utility' : null;
  if (!wanted) return new AppError('TEMPLATE_CATEGORY_UNSUPPORTED', `template.name: the template's category ${category || '(none)'} is not MARKETING or UTILITY; sync templates and pick another`, { field: 'template.name', category });
  if (topic.category === wanted) return null;
  return new AppError('TEMPLATE_TOPIC_MISMATCH', `topic: "${topic.key}" is a ${topic.category} topic; a ${category} template needs a ${wanted} topic the person agreed to`, {
    field: 'topic',
    template_category: category,
    topic_category: topic.category,
  });
}

/** Seconds from `now` until `until`, at least 1 (for Retry-After). */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}

/** The error for a gate verdict other than `send` (null for `send`). */
export function gateRefusal(v: GateVerdict, topicKey: string, now: Date): AppError | null {
  if (v.kind === 'send') return null;
  if (v.kind === 'defer') {
    const reason = v.reason === 'deferred: quiet hours' ? 'quiet_hours' : v.reason === 'deferred: frequency cap' ? 'frequency_cap' : v.reason;
    const what = reason === 'quiet_hours' ? "it is quiet hours in the person's time zone" : reason === 'frequency_cap' ? 'the person has had as much marketing as the frequency cap allows' : reason;
    return new AppError('SEND_DEFERRED', `not sent: ${what}; marketing may go to them from ${v.until.toISOString()}`, { reason, until: v.until.toISOString(), retry_after_seconds: secondsUntil(v.until, now) });
  }
  switch (v.reason) {
    case 'unknown_contact':
      return new AppError('NOT_FOUND', 'contact not found', { field: 'contact_id', reason: v.reason });
    case 'suppressed':
      return new AppError('CONSENT_SUPPRESSED', 'not sent: this number opted out (it is on the suppression list); only the person can opt in again', { reason: v.reason });
    case 'consent_withdrawn':
      return new AppError('CONSENT_WITHDRAWN', `not sent: the person withdrew consent for "${topicKey}"; only they can opt in again`, { reason: v.reason, topic: topicKey });
    case 'no_consent':
      return new AppError('CONSENT_REQUIRED', `not sent: the person never agreed to "${topicKey}"; record their consent first (POST /api/v1/contacts/:id/consent)`, { reason: v.reason, topic: topicKey });
    case 'paused_by_contact':
      return new AppError('CONTACT_PAUSED', 'not sent: the person paused marketing messages in the preference centre; GET /api/v1/contacts/:id/preferences says until when', { reason: v.reason });
    case 'unreachable':
      return new AppError('CONTACT_UNREACHABLE', 'not sent: this number is marked unreachable (not on WhatsApp, or repeated 131026 failures)', { reason: v.reason });
  }
}
