import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import {
  contactPreferencesIn,
  contactPreferencesOut,
  getContactPreferences,
  preferenceKeywordsOf,
  preferenceKeywordsOut,
  type PreferenceSettings,
  openPreferencePage,
  PAGE_LABELS,
  savePreferencePage,
  setContactPreferences,
  topicLabel,
  type PreferencePage,
} from '../../../modules/preferences/index.js';
import { toAppError } from '../error-handler.js';
import { ERROR_STATUS } from '../error-status.js';
import type { FeatureDeps } from '../request-context.js';
import { ctxOf, runMutation } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';
import { getWorkspaceSettings } from '../../../modules/workspaces/index.js';
import { esc, layout, sendPage } from './join.routes.js';

// A checkbox per topic and two radio groups: a few KB at most.
const FORM_BODY_LIMIT = 8192;
const SUBMITS_PER_MINUTE = 20;
const TOKEN = /^[A-Za-z0-9_.-]{1,120}$/;

/** A contact's preferences over the API, and the hosted preference page at /preferences/<signed token>. */
export async function preferenceRoutes(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/contacts/:id/preferences',
    { config: { permission: 'contacts:read' }, schema: { tags: ['consent'], summary: "A contact's preference-centre state: pause, frequency and topics", params: idParams, response: { 200: contactPreferencesOut } } },
    (req) => {
      assertId('contact', req.params.id);
      return getContactPreferences(ctxOf(req, deps), req.params.id);
    },
  );
  r.patch(
    '/api/v1/contacts/:id/preferences',
    {
      config: { permission: 'contacts:write' },
      schema: { tags: ['consent'], summary: 'Pause, resume or change the frequency for a contact (each change is a ledger event with source "api")', params: idParams, body: contactPreferencesIn, response: { 200: contactPreferencesOut } },
    },
    (req, reply) => {
      assertId('contact', req.params.id);
      return runMutation(req, reply, deps, 200, (ctx) => setContactPreferences(ctx, req.params.id, req.body));
    },
  );
  r.get(
    '/api/v1/preferences/keywords',
    { config: { permission: 'workspace:read' }, schema: { tags: ['consent'], summary: 'The words that open the preference centre (built-in per language, plus settings.preferences.keywords)', response: { 200: preferenceKeywordsOut } } },
    async (req) => {
      const ctx = ctxOf(req, deps);
      return preferenceKeywordsOf((await getWorkspaceSettings(ctx.db, ctx.workspaceId)).preferences as PreferenceSettings | undefined);
    },
  );
  await app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    scope.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
      const e = toAppError(err);
      if (e.code === 'INTERNAL') req.log.error({ err: { type: (err as Error)?.name } }, 'preference page failed');
      const text = e.code === 'RATE_LIMITED' ? 'Too many attempts from your connection. Please wait a minute and try again.' : 'Something went wrong on our side. Please try again in a moment.';
      return sendPage(reply, ERROR_STATUS[e.code], layout('Please try again', `<h1>Please try again</h1><p>${esc(text)}</p>`));
    });
    const open = async (req: FastifyRequest) => {
      const token = (req.params as { token?: string }).token ?? '';
      return TOKEN.test(token) ? openPreferencePage(deps.db, token, deps.clock.now(), deps.log) : ({ kind: 'invalid' } as const);
    };
    scope.get('/preferences/:token', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const opened = await open(req);
      if (opened.kind !== 'ok') return refusedPage(reply, opened.kind);
      return sendPage(reply, 200, preferencesPage(opened.page));
    });
    scope.post('/preferences/:token', { config: { public: true, rateLimit: { max: SUBMITS_PER_MINUTE, timeWindow: 60_000 } }, schema: { hide: true }, bodyLimit: FORM_BODY_LIMIT }, async (req, reply) => {
      const opened = await open(req);
      if (opened.kind !== 'ok') return refusedPage(reply, opened.kind);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const saved = await savePreferencePage(deps.db, opened, form, { ip: req.ip, userAgent: req.headers['user-agent'], now: deps.clock.now(), log: deps.log });
      const after = await open(req);
      if (after.kind !== 'ok') return refusedPage(reply, after.kind);
      const note = saved.changed === 0 ? 'Nothing changed.' : saved.refused.length > 0 ? 'Saved, except topics you stopped with STOP: send START on WhatsApp to come back.' : 'Saved. Thank you!';
      return sendPage(reply, 200, preferencesPage(after.page, note));
    });
  });
}

function refusedPage(reply: FastifyReply, kind: 'invalid' | 'expired'): FastifyReply {
  if (kind === 'expired') {
    return sendPage(reply, 410, layout('Link expired', '<h1>This link has expired</h1><p>Send <strong>PREFERENCES</strong> to us on WhatsApp and we will send you a new one.</p>'));
  }
  return sendPage(reply, 404, layout('Link not valid', '<h1>This link is not valid</h1><p>Please use the latest link we sent you on WhatsApp, or send <strong>PREFERENCES</strong> to us there.</p>'));
}

const STYLE = `<style>fieldset{border:1px solid #d5dbe0;border-radius:.5rem;margin:1rem 0;padding:.5rem .9rem}legend{font-weight:600;padding:0 .3rem}
.choice{display:flex;gap:.65rem;align-items:flex-start;font-weight:400;margin:.6rem 0}.choice input{width:1.3rem;height:1.3rem;margin:.15rem 0 0;flex:none}
.saved{padding:.75rem;border-radius:.5rem;background:#e6f4ea;color:#0d5a2c;font-weight:600}</style>`;

function preferencesPage(p: PreferencePage, note?: string): string {
  const v = p.view;
  const paused = v.pausedUntil !== null;
  const radio = (name: string, value: string, checked: boolean, label: string) =>
    `<label class="choice"><input type="radio" name="${name}" value="${value}"${checked ? ' checked' : ''}><span>${esc(label)}</span></label>`;
  const topics = v.suppressed
    ? '<p class="error">You stopped all messages from us. To come back, send START to us on WhatsApp.</p>'
    : `<fieldset><legend>Topics</legend>${v.topics
        .map((t) => `<label class="choice"><input type="checkbox" name="topic_${esc(t.key)}"${t.subscribed ? ' checked' : ''} data-topic="${esc(t.key)}"><span>${esc(topicLabel(t))}</span></label>`)
        .join('')}</fieldset>`;
  const pauseLabel = paused ? `Paused until ${v.pausedUntil!.toISOString().slice(0, 10)}` : PAGE_LABELS.pause(p.pauseDays);
  return layout(
    `Your preferences — ${p.business}`,
    `${STYLE}<p class="eyebrow">${esc(p.business)}</p><h1>Your WhatsApp preferences</h1>
${note ? `<p class="saved" role="status">${esc(note)}</p>` : ''}
<form method="post">
${topics}
<fieldset><legend>How often</legend>${radio('frequency', 'normal', v.frequency === 'normal', PAGE_LABELS.normal)}${radio('frequency', 'low', v.frequency === 'low', PAGE_LABELS.low)}</fieldset>
<fieldset><legend>Pause</legend>${radio('pause', 'active', !paused, PAGE_LABELS.active)}${radio('pause', 'pause', paused, pauseLabel)}</fieldset>
<button type="submit">Save my preferences</button>
</form>
<p class="small">Reply STOP on WhatsApp at any time to stop every message. This link works until ${esc(p.expiresAt.toISOString().slice(0, 10))}.</p>`,
  );
}
