import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { autoRepliesIn, autoRepliesOut, businessHoursIn, businessHoursOut, getAutoReplies, getBusinessHours, putAutoReplies, putBusinessHours } from '../../../modules/autoreplies/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';

/** The business calendar and the auto-replies (settings of the caller's workspace). */
export function autoReplyRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/business-hours',
    { config: { permission: 'workspace:read' }, schema: { tags: ['auto-replies'], summary: 'The business calendar (weekly hours, holidays, per-number overrides) and whether it is open now', response: { 200: businessHoursOut } } },
    (req) => getBusinessHours(ctxOf(req, deps)),
  );
  r.put(
    '/api/v1/business-hours',
    {
      config: { permission: 'workspace:manage' },
      schema: { tags: ['auto-replies'], summary: 'Replace the business calendar', description: 'Times are local to `timezone` (DST-safe). A day left out of `weekly` is closed; a holiday without `hours` is closed all day.', body: businessHoursIn, response: { 200: businessHoursOut } },
    },
    (req, reply) => runMutation(req, reply, deps, 200, (ctx) => putBusinessHours(ctx, req.body)),
  );
  r.get('/api/v1/auto-replies', { config: { permission: 'workspace:read' }, schema: { tags: ['auto-replies'], summary: 'The auto-replies (greeting, away, keyword replies, FAQ menu, fallback)', response: { 200: autoRepliesOut } } }, (req) =>
    getAutoReplies(ctxOf(req, deps)),
  );
  r.put(
    '/api/v1/auto-replies',
    {
      config: { permission: 'workspace:manage' },
      schema: {
        tags: ['auto-replies'],
        summary: 'Replace the auto-replies',
        description:
          'Each auto-reply goes at most once per 24 h per person, number and kind, as a session message inside the window, and never while an agent handles the conversation, to a suppressed person, or in answer to STOP/START words, PREFERENCES/MENU, an opt-in keyword or a message an automation answers. Precedence for one message: FAQ row tapped > keyword reply > FAQ menu > greeting (first message ever) > away (outside business hours) > fallback (nothing else sent in the window).',
        body: autoRepliesIn,
        response: { 200: autoRepliesOut },
      },
    },
    (req, reply) => runMutation(req, reply, deps, 200, (ctx) => putAutoReplies(ctx, req.body)),
  );
}
