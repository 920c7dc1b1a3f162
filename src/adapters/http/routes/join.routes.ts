import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPublishedForm, FORM_SLUG_PATTERN, issueFormToken, submitOptinForm, waMeLink, type HostedForm } from '../../../modules/optin/index.js';
import { toAppError } from '../error-handler.js';
import { ERROR_STATUS } from '../error-status.js';
import type { FeatureDeps } from '../request-context.js';
import { countriesWithCallingCodes, countryOfNumber as countryOfE164 } from '../../../lib/phone/index.js';

// A phone number, a country code, a token and the honeypot: a few hundred bytes at most.
const FORM_BODY_LIMIT = 4096;
// Per IP and process (design.md: rate limits are abuse protection, not correctness).
const SUBMITS_PER_MINUTE = 10;

/** The public, hosted opt-in pages at /join/<slug> (no API key). */
export async function joinRoutes(app: FastifyInstance, deps: FeatureDeps): Promise<void> {
  await app.register(async (scope) => {
    // Browsers post forms url-encoded; the parser lives only in this scope, so the API keeps JSON only.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    // People get pages, not JSON envelopes, whatever goes wrong here.
    scope.setErrorHandler((err: unknown, req: FastifyRequest, reply: FastifyReply) => {
      const e = toAppError(err);
      if (e.code === 'INTERNAL') req.log.error({ err: { type: (err as Error)?.name } }, 'join page failed');
      const text =
        e.code === 'RATE_LIMITED'
          ? 'Too many attempts from your connection. Please wait a minute and try again.'
          : e.code === 'BODY_TOO_LARGE' || e.code === 'UNSUPPORTED_MEDIA_TYPE' || e.code === 'BODY_INVALID_JSON'
            ? 'That submission could not be read. Please go back and try again.'
            : 'Something went wrong on our side. Please try again in a moment.';
      return sendPage(reply, ERROR_STATUS[e.code], layout('Please try again', `<h1>Please try again</h1><p>${esc(text)}</p>`));
    });

    scope.get('/join/:slug', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const form = await formOf(deps, req);
      if (!form) return sendNotFound(reply);
      const token = await issueFormToken(deps.db, form, deps.clock.now());
      return sendPage(reply, 200, formPage(form, { token, phone: '', country: form.defaultCountry ?? countryOfNumber(form.number.digits) }));
    });

    scope.post(
      '/join/:slug',
      { config: { public: true, rateLimit: { max: SUBMITS_PER_MINUTE, timeWindow: 60_000 } }, schema: { hide: true }, bodyLimit: FORM_BODY_LIMIT },
      async (req, reply) => {
        const form = await formOf(deps, req);
        if (!form) return sendNotFound(reply);
        const body = (req.body ?? {}) as Record<string, unknown>;
        const field = (k: string, max: number) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, max) : '');
        const phone = field('phone', 64);
        const country = field('country', 2).toUpperCase();
        const ua = req.headers['user-agent'];
        const outcome = await deps.db.transaction((tx) =>
          submitOptinForm(tx, form, { phone, country, honeypot: field('website', 200), token: field('t', 200), ip: req.ip, userAgent: ua, url: pageUrl(deps, form) }, deps.clock.now()),
        );
        switch (outcome.kind) {
          case 'pending':
            return sendPage(reply, 200, confirmPage(form, outcome.confirmationQueued));
          case 'ignored':
            return sendPage(reply, 200, confirmPage(form, false));
          case 'invalid_phone':
            return sendPage(reply, 422, formPage(form, { token: outcome.token, phone, country, error: `Phone number: ${outcome.message}` }));
          case 'retry':
            return sendPage(reply, 400, formPage(form, { token: outcome.token, phone, country, error: RETRY_TEXT[outcome.reason] }));
        }
      },
    );
  });
}

const RETRY_TEXT = {
  too_fast: 'That was quick! Please check your number and press Continue again.',
  expired: 'This page was open for a long time. Please check your number and press Continue again.',
  invalid: 'We could not check this page. Please press Continue again.',
  changed: 'This page was updated while you had it open. Please read it again and press Continue.',
} as const;

async function formOf(deps: FeatureDeps, req: FastifyRequest): Promise<HostedForm | undefined> {
  const slug = (req.params as { slug?: string }).slug ?? '';
  return FORM_SLUG_PATTERN.test(slug) ? findPublishedForm(deps.db, slug) : undefined;
}

/**
 * The country picker starts at the business number's country: most people who sign up share it.
 * Sandbox and test numbers are not "valid", so the calling code's main country stands in.
 */
function countryOfNumber(digits: string): string {
  return countryOfE164(digits);
}

/** A form's page as the admin preview shows it: no token (nothing can be submitted), a preview banner. */
export function previewPage(form: HostedForm, note: PreviewNote): string {
  const country = form.defaultCountry ?? (form.number.digits ? countryOfNumber(form.number.digits) : '');
  return formPage(form, { token: '', phone: '', country, preview: note });
}

function pageUrl(deps: FeatureDeps, form: HostedForm): string {
  return `${deps.publicUrl.replace(/\/+$/, '')}/join/${form.slug}`;
}

/** Shared with the other hosted pages (preferences). */
export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  // The form carries a fresh signed token and the person's number: never cache it.
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

function sendNotFound(reply: FastifyReply): FastifyReply {
  return sendPage(reply, 404, layout('Page not found', '<h1>Page not found</h1><p>This sign-up page does not exist or is no longer open.</p>'));
}

/** Escapes text for HTML element content and double-quoted attributes. */
/** Shared with the other hosted pages (preferences). */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

let countryList: { code: string; label: string }[] | undefined;
function countries(): { code: string; label: string }[] {
  if (!countryList) {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    countryList = countriesWithCallingCodes()
      .map(({ code, callingCode }) => ({ code: code as string, label: `${names.of(code) ?? code} (+${callingCode})` }))
      .sort((a, b) => a.label.localeCompare(b.label, 'en'));
  }
  return countryList;
}

/** What the admin preview of a page adds: a banner saying it is a preview, and what publishing still needs. */
export interface PreviewNote {
  live: boolean;
  missing: string[];
}

/** The sign-up page of a form; with `preview`, a banner on top and a Continue button that submits nothing. */
function formPage(form: HostedForm, v: { token: string; phone: string; country: string; error?: string; preview?: PreviewNote }): string {
  const s = form.statements;
  const topics = s.topics.map((t) => `<li><strong>${esc(t.name)}</strong>${t.frequency ? ` — ${esc(t.frequency)}` : ''}</li>`).join('');
  const options = [`<option value=""${v.country ? '' : ' selected'}>Choose your country</option>`]
    .concat(countries().map((c) => `<option value="${c.code}"${c.code === v.country ? ' selected' : ''}>${esc(c.label)}</option>`))
    .join('');
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="form-error"' : '';
  return layout(
    `Join ${s.businessName} on WhatsApp`,
    `${v.preview ? previewBanner(v.preview) : ''}<p class="eyebrow">${esc(s.businessName)}</p>
<h1>${esc(s.headline ?? `Get ${s.businessName} on WhatsApp`)}</h1>
${s.description ? `<p>${esc(s.description)}</p>` : ''}
<h2>What you will get</h2>
<ul>${topics}</ul>
${s.frequency ? `<p><strong>How often:</strong> ${esc(s.frequency)}</p>` : ''}
<p><strong>How to stop:</strong> ${esc(s.howToStop)}</p>
<form method="post">
${v.error ? `<p class="error" id="form-error" role="alert">${esc(v.error)}</p>` : ''}
<label for="country">Country</label>
<select id="country" name="country" autocomplete="country">${options}</select>
<label for="phone">WhatsApp number</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="32" value="${esc(v.phone)}"${invalid}>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="t" value="${esc(v.token)}">
<p class="consent">${esc(s.consentText)}</p>
<button type="submit"${v.preview ? ' disabled' : ''}>Continue</button>
</form>
<p class="small">Next you confirm on WhatsApp; nothing is sent to you before that. <a href="${esc(s.privacyUrl)}" rel="noopener noreferrer">Privacy policy</a></p>`,
  );
}

function previewBanner(p: PreviewNote): string {
  const state = p.live ? 'This page is live.' : 'This page is a draft: people cannot open it until you publish it.';
  const missing = p.missing.length > 0 ? ` Publishing needs: ${esc(p.missing.join(', '))}.` : '';
  return `<p class="preview" role="note"><strong>Preview.</strong> ${state}${missing} Continue is off here.</p>\n`;
}

function confirmPage(form: HostedForm, confirmationQueued: boolean): string {
  const s = form.statements;
  const link = waMeLink(form.number.digits, form.keyword);
  return layout(
    `Confirm on WhatsApp — ${s.businessName}`,
    `<p class="eyebrow">${esc(s.businessName)}</p>
<h1>One more step: confirm on WhatsApp</h1>
<p>Tap the button to open WhatsApp with the message <strong>${esc(form.keyword)}</strong> ready, then press send. You are not subscribed until you do.</p>
<p><a class="button" href="${esc(link)}">Confirm on WhatsApp</a></p>
${confirmationQueued ? '<p>We also sent you a WhatsApp message: tapping “Yes, subscribe” there works too.</p>' : ''}
<p><strong>How to stop:</strong> ${esc(s.howToStop)}</p>
<p class="small"><a href="${esc(s.privacyUrl)}" rel="noopener noreferrer">Privacy policy</a></p>`,
  );
}

/** Shared with the other hosted pages (preferences). */
export function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)}</title>
<style>
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f23;background:#f3f5f4}
main{max-width:32rem;margin:0 auto;padding:1.5rem 1.25rem 3rem;background:#fff;min-height:100vh}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
.eyebrow{margin:0;color:#4a5560;font-weight:600;text-transform:uppercase;font-size:.8rem;letter-spacing:.04em}
label{display:block;font-weight:600;margin:1rem 0 .35rem}
select,input{width:100%;font:inherit;padding:.7rem .75rem;border:1px solid #9aa5ae;border-radius:.5rem;background:#fff}
input[aria-invalid=true]{border-color:#b3261e}
button,.button{display:block;width:100%;margin-top:1rem;padding:.85rem 1rem;border:0;border-radius:.5rem;background:#137a3f;color:#fff;font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
.consent{margin-top:1.25rem;padding:.75rem;background:#f3f5f4;border-radius:.5rem;font-size:.95rem}
.error{padding:.75rem;border-radius:.5rem;background:#fdecea;color:#8c1d18;font-weight:600}
.preview{margin:0 0 1rem;padding:.6rem .75rem;border-radius:.5rem;background:#fffaeb;color:#7a2e0e;font-size:.875rem}button:disabled{opacity:.6;cursor:default}
.small{font-size:.875rem;color:#4a5560}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}
