import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findPublishedForm, FORM_SLUG_PATTERN, issueFormToken, logoOfSource, PAGE_TEXT, pickPageLanguage, RTL_LANGUAGES, STOP_WORD, submitOptinForm, waMeLink, type HostedForm, type PageLanguage } from '../../../modules/optin/index.js';
import { brandCss } from './join-brand.js';
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
      return sendPage(reply, 200, formPage(form, { token, phone: '', country: form.defaultCountry ?? countryOfNumber(form.number.digits), lang: langOf(form, req), logoUrl: publicLogoUrl(form) }));
    });

    // The form's logo, from Greenlist's own storage (never a user URL): checked PNG/JPEG/WebP bytes only.
    scope.get('/join/:slug/logo', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
      const form = await formOf(deps, req);
      const logo = form && form.logoVersion ? await logoOfSource(deps.db, form.id) : undefined;
      if (!logo) return sendNotFound(reply);
      return sendLogo(reply, logo, 'public, max-age=300');
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
        const lang = langOf(form, req);
        const T = PAGE_TEXT[lang];
        const logoUrl = publicLogoUrl(form);
        const outcome = await deps.db.transaction((tx) =>
          submitOptinForm(tx, form, { phone, country, honeypot: field('website', 200), token: field('t', 200), ip: req.ip, userAgent: ua, url: pageUrl(deps, form) }, deps.clock.now()),
        );
        switch (outcome.kind) {
          case 'pending':
            return sendPage(reply, 200, confirmPage(form, outcome.confirmationQueued, lang, logoUrl));
          case 'ignored':
            return sendPage(reply, 200, confirmPage(form, false, lang, logoUrl));
          case 'invalid_phone':
            return sendPage(reply, 422, formPage(form, { token: outcome.token, phone, country, error: `${T.phoneError}: ${outcome.message}`, lang, logoUrl }));
          case 'retry':
            return sendPage(reply, 400, formPage(form, { token: outcome.token, phone, country, error: T.retry[outcome.reason], lang, logoUrl }));
        }
      },
    );
  });
}

/** The page's language: an offered `?lang=`, else the browser's Accept-Language among those offered, else the form's first. */
function langOf(form: HostedForm, req: FastifyRequest): PageLanguage {
  const q = (req.query as { lang?: unknown } | undefined)?.lang;
  return pickPageLanguage(form.languages, typeof q === 'string' ? q : undefined, req.headers['accept-language']);
}

function publicLogoUrl(form: HostedForm): string | null {
  return form.logoVersion ? `/join/${encodeURIComponent(form.slug)}/logo?v=${form.logoVersion}` : null;
}

/** Sends stored logo bytes with their checked type; nosniff and a no-script CSP in case a browser opens it as a page. */
export function sendLogo(reply: FastifyReply, logo: { contentType: string; bytes: Buffer }, cache: string): FastifyReply {
  return reply
    .code(200)
    .type(logo.contentType)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', 'inline; filename="logo"')
    .header('cache-control', cache)
    .send(logo.bytes);
}

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
export function previewPage(form: HostedForm, note: PreviewNote, opts: { lang?: string; acceptLanguage?: string; logoUrl: string | null }): string {
  const country = form.defaultCountry ?? (form.number.digits ? countryOfNumber(form.number.digits) : '');
  return formPage(form, { token: '', phone: '', country, preview: note, lang: pickPageLanguage(form.languages, opts.lang, opts.acceptLanguage), logoUrl: opts.logoUrl });
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

const countryLists = new Map<string, { code: string; label: string }[]>();
function countries(lang: string): { code: string; label: string }[] {
  let list = countryLists.get(lang);
  if (!list) {
    const names = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
    list = countriesWithCallingCodes()
      .map(({ code, callingCode }) => ({ code: code as string, label: `${names.of(code) ?? code} (+${callingCode})` }))
      .sort((a, b) => a.label.localeCompare(b.label, lang));
    countryLists.set(lang, list);
  }
  return list;
}

/** What the admin preview of a page adds: a banner saying it is a preview, and what publishing still needs. */
export interface PreviewNote {
  live: boolean;
  missing: string[];
}

/** What a form page shows besides the form: the token, what was typed, an error, the language, the logo. */
interface FormPageView {
  token: string;
  phone: string;
  country: string;
  error?: string;
  preview?: PreviewNote;
  lang: PageLanguage;
  logoUrl: string | null;
}

/** The header band: logo and business name on the brand colour. */
function brandHeader(form: HostedForm, logoUrl: string | null): string {
  const logo = logoUrl ? `<img class="logo" src="${esc(logoUrl)}" alt="${esc(form.statements.businessName)}">` : '';
  return `<header class="brand">${logo}<p class="eyebrow">${esc(form.statements.businessName)}</p></header>`;
}

/** Links to the same page in each offered language (no script: plain links keep the CSP strict). */
function languageSwitcher(form: HostedForm, lang: PageLanguage): string {
  if (form.languages.length < 2) return '';
  const links = form.languages
    .map((l) => (l === lang ? `<strong aria-current="true" lang="${l}">${esc(PAGE_TEXT[l].name)}</strong>` : `<a href="?lang=${l}" hreflang="${l}" lang="${l}">${esc(PAGE_TEXT[l].name)}</a>`))
    .join(' · ');
  return `<nav class="langs" aria-label="${esc(PAGE_TEXT[lang].language)}">${links}</nav>`;
}

/** The fixed "how to stop" line in the page's language, then the business's own words when they add something. */
function howToStopBlock(form: HostedForm, lang: PageLanguage): string {
  const T = PAGE_TEXT[lang];
  const own = form.statements.howToStop.trim();
  const fixed = T.stopLine(STOP_WORD[lang]);
  const ownLine = own && own.replace(/\.$/, '') !== 'Reply STOP at any time' ? `<p class="small">${esc(own)}</p>` : '';
  return `<p><strong>${esc(T.howToStop)}:</strong> ${esc(fixed)}</p>${ownLine}`;
}

/** The sign-up page of a form; with `preview`, a banner on top and a Continue button that submits nothing. */
function formPage(form: HostedForm, v: FormPageView): string {
  const s = form.statements;
  const T = PAGE_TEXT[v.lang];
  const topics = s.topics.map((t) => `<li><strong>${esc(t.name)}</strong>${t.frequency ? ` — ${esc(t.frequency)}` : ''}</li>`).join('');
  const options = [`<option value=""${v.country ? '' : ' selected'}>${esc(T.chooseCountry)}</option>`]
    .concat(countries(v.lang).map((c) => `<option value="${c.code}"${c.code === v.country ? ' selected' : ''}>${esc(c.label)}</option>`))
    .join('');
  const invalid = v.error ? ' aria-invalid="true" aria-describedby="form-error"' : '';
  const action = form.languages.length > 1 ? ` action="?lang=${v.lang}"` : '';
  return layout(
    T.title(s.businessName),
    `${v.preview ? previewBanner(v.preview) : ''}${languageSwitcher(form, v.lang)}${brandHeader(form, v.logoUrl)}
<h1>${esc(s.headline ?? T.defaultHeadline(s.businessName))}</h1>
${s.description ? `<p>${esc(s.description)}</p>` : ''}
<h2>${esc(T.whatYouGet)}</h2>
<ul>${topics}</ul>
${s.frequency ? `<p><strong>${esc(T.howOften)}:</strong> ${esc(s.frequency)}</p>` : ''}
${howToStopBlock(form, v.lang)}
<form method="post"${action}>
${v.error ? `<p class="error" id="form-error" role="alert">${esc(v.error)}</p>` : ''}
<label for="country">${esc(T.country)}</label>
<select id="country" name="country" autocomplete="country">${options}</select>
<label for="phone">${esc(T.phone)}</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required maxlength="32" value="${esc(v.phone)}"${invalid}>
<div class="hp" aria-hidden="true"><label for="website">${esc(T.leaveEmpty)}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="t" value="${esc(v.token)}">
<div class="consent"><p class="small">${esc(T.consentIntro)}</p><p>${esc(s.consentText)}</p></div>
<button type="submit"${v.preview ? ' disabled' : ''}>${esc(T.continue)}</button>
</form>
<p class="small">${esc(T.nextStep)} <a href="${esc(s.privacyUrl)}" rel="noopener noreferrer">${esc(T.privacy)}</a></p>`,
    { lang: v.lang, css: brandCss(form.brandColor) },
  );
}

function previewBanner(p: PreviewNote): string {
  const state = p.live ? 'This page is live.' : 'This page is a draft: people cannot open it until you publish it.';
  const missing = p.missing.length > 0 ? ` Publishing needs: ${esc(p.missing.join(', '))}.` : '';
  return `<p class="preview" role="note"><strong>Preview.</strong> ${state}${missing} Continue is off here.</p>\n`;
}

function confirmPage(form: HostedForm, confirmationQueued: boolean, lang: PageLanguage, logoUrl: string | null): string {
  const s = form.statements;
  const T = PAGE_TEXT[lang];
  const link = waMeLink(form.number.digits, form.keyword);
  return layout(
    T.confirmTitle(s.businessName),
    `${brandHeader(form, logoUrl)}
<h1>${esc(T.confirmHeading)}</h1>
<p>${T.confirmBody(esc(form.keyword))}</p>
<p><a class="button" href="${esc(link)}">${esc(T.confirmButton)}</a></p>
${confirmationQueued ? `<p>${esc(T.confirmAlsoSent)}</p>` : ''}
${howToStopBlock(form, lang)}
<p class="small"><a href="${esc(s.privacyUrl)}" rel="noopener noreferrer">${esc(T.privacy)}</a></p>`,
    { lang, css: brandCss(form.brandColor) },
  );
}

/** Shared with the other hosted pages (preferences). */
export function layout(title: string, body: string, opts: { lang?: string; css?: string } = {}): string {
  return `<!doctype html>
<html lang="${esc(opts.lang ?? 'en')}"${(RTL_LANGUAGES as readonly string[]).includes(opts.lang ?? 'en') ? ' dir="rtl"' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
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
.brand{display:flex;align-items:center;gap:.75rem;margin:0 -1.25rem 1rem;padding:.75rem 1.25rem;background:#137a3f;color:#fff}.brand .eyebrow{color:inherit}
.logo{max-height:3rem;max-width:8rem;width:auto;height:auto;border-radius:.25rem;background:#fff}
.langs{display:flex;flex-wrap:wrap;gap:.25rem .5rem;justify-content:flex-end;font-size:.875rem;margin:0 0 .75rem}
.consent p{margin:.25rem 0}${opts.css ?? ''}
</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}
