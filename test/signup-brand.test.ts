import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTopic } from '../src/modules/consent/index.js';
import { stopWordsAreBuiltIn } from '../src/modules/optin/index.js';
import { textColourOn } from '../src/adapters/http/routes/join-brand.js';
import type { Simulator } from '../src/simulator/index.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { connectSimNumber } from './helpers/factories.js';

// The sign-up page's branding (logo, colour) and languages through the API and the public page.
let t: TestApp;
let sim: Simulator;
let tenant: Awaited<ReturnType<TestApp['tenant']>>;
let formId: string;
const NUMBER = { phoneNumberId: '8065403599', wabaId: '8022901299', accessToken: 'sim-token-brand-01' };
const CONSENT = 'Sim, quero as ofertas da Flor & Cia no WhatsApp.';
// A 1x1 PNG, a JPEG header and a WebP header: only the first bytes are checked.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(60)]);

beforeAll(async () => {
  t = await createTestApp();
  const appUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  tenant = await t.tenant('signup-brand');
  ({ sim } = await connectSimNumber(t, tenant.key, { seed: 'brand', number: NUMBER, displayNumber: '+55 11 98765 4321', appSecret: 'brand-secret', verifyToken: 'brand-verify', webhookUrl: `${appUrl}/webhooks/whatsapp` }));
  await createTopic(tenant.ctx, { key: 'ofertas', name: 'Ofertas', category: 'marketing', frequency: '2 por semana' });
  const created = await t.call(tenant.key, {
    method: 'POST',
    url: '/api/v1/optin-sources',
    payload: {
      kind: 'form',
      name: 'Flor',
      keyword: 'FLOR',
      slug: 'flor-cia',
      topics: ['ofertas'],
      consent_text: CONSENT,
      page: { business_name: 'Flor & Cia', frequency: '2 por semana', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://flor.example/privacidade', brand_color: '#FFD400', languages: ['pt', 'en', 'es'] },
    },
  });
  expect(created.statusCode).toBe(201);
  formId = created.json().id;
  expect((await t.call(tenant.key, { method: 'POST', url: `/api/v1/optin-sources/${formId}/publish` })).statusCode).toBe(200);
});
afterAll(async () => {
  await sim.close();
  await t.close();
});

const putLogo = (payload: Record<string, unknown>) => t.call(tenant.key, { method: 'PUT', url: `/api/v1/optin-sources/${formId}/logo`, payload });
const fieldsOf = (res: { json: () => unknown }) => (res.json() as { error: { details: { fields: { field: string; message: string }[] } } }).error.details.fields;

describe('sign-up page branding', () => {
  it('refuses a bad colour and an unknown language, naming the field', async () => {
    const bad = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${formId}`, payload: { page: { business_name: 'Flor & Cia', frequency: '2 por semana', how_to_stop: 'x', privacy_url: 'https://flor.example/p', brand_color: 'red', languages: ['pt', 'xx'] } } });
    expect(bad.statusCode).toBe(422);
    const fields = fieldsOf(bad).map((f) => f.field);
    expect(fields).toContain('page.brand_color');
    expect(fields).toContain('page.languages.1');
    expect(fieldsOf(bad).find((f) => f.field === 'page.brand_color')!.message).toMatch(/hex colour/);
  });

  it('refuses SVG, a forged header, a renamed file and an image over 200 KB with 422s naming the field', async () => {
    const svg = await putLogo({ content_type: 'image/svg+xml', data: Buffer.from('<svg onload="alert(1)"/>').toString('base64') });
    expect(svg.statusCode).toBe(422);
    expect(fieldsOf(svg)[0]).toMatchObject({ field: 'content_type' });
    const forged = await putLogo({ content_type: 'image/png', data: Buffer.from('<html><script>alert(1)</script></html>').toString('base64') });
    expect(forged.statusCode).toBe(422);
    expect(fieldsOf(forged)[0]!.field).toBe('data');
    expect(fieldsOf(forged)[0]!.message).toMatch(/not a PNG, JPEG or WebP/);
    const renamed = await putLogo({ content_type: 'image/png', data: JPEG.toString('base64') });
    expect(renamed.statusCode).toBe(422);
    expect(fieldsOf(renamed)[0]!.message).toMatch(/its contents are image\/jpeg/);
    const big = await putLogo({ content_type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(210 * 1024)]).toString('base64') });
    expect(big.statusCode).toBe(422);
    expect(fieldsOf(big)[0]).toMatchObject({ field: 'data', message: expect.stringMatching(/200 KB/) });
    expect((await t.app.inject({ method: 'GET', url: '/join/flor-cia/logo' })).statusCode).toBe(404);
  });

  it('stores a PNG logo and serves it from Greenlist with its type and nosniff', async () => {
    const ok = await putLogo({ content_type: 'image/png', data: PNG.toString('base64') });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ content_type: 'image/png', size: PNG.length });
    const img = await t.app.inject({ method: 'GET', url: '/join/flor-cia/logo' });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(img.headers['x-content-type-options']).toBe('nosniff');
    expect(img.rawPayload.equals(PNG)).toBe(true);
    const admin = await t.call(tenant.key, { method: 'GET', url: `/api/v1/optin-sources/${formId}/logo` });
    expect(admin.statusCode).toBe(200);
    expect(admin.headers['content-type']).toBe('image/png');
  });

  it('renders in Portuguese for a pt browser, with the Portuguese STOP word, the colour and an intact CSP', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/join/flor-cia', headers: { 'accept-language': 'pt-BR,pt;q=0.9,en;q=0.5' } });
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<html lang="pt">');
    expect(html).toContain('<strong>Como sair:</strong> Responda SAIR a qualquer momento');
    expect(html).toContain('>Continuar</button>');
    expect(html).toContain('<label for="phone">Número de WhatsApp</label>');
    // The business's own words stay as written.
    expect(html).toContain('Sim, quero as ofertas da Flor &amp; Cia no WhatsApp.');
    // Yellow is light: dark text on it.
    expect(html).toContain('.brand,button,.button{background:#ffd400;color:#1b1f23}');
    expect(html).toMatch(/<img class="logo" src="\/join\/flor-cia\/logo\?v=[0-9a-f]{12}" alt="Flor &amp; Cia">/);
    expect(html).toContain('<a href="?lang=en" hreflang="en" lang="en">English</a>');
    expect(html).toContain('<form method="post" action="?lang=pt">');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(html).not.toContain('<script');
  });

  it('switches language with ?lang=, falls back to the first chosen, and ignores languages not offered', async () => {
    const es = await t.app.inject({ method: 'GET', url: '/join/flor-cia?lang=es', headers: { 'accept-language': 'pt' } });
    expect(es.body).toContain('Responde BAJA en cualquier momento');
    const en = await t.app.inject({ method: 'GET', url: '/join/flor-cia?lang=en' });
    expect(en.body).toContain('Reply STOP at any time and you get no more messages.');
    const fallback = await t.app.inject({ method: 'GET', url: '/join/flor-cia?lang=de', headers: { 'accept-language': 'ja,de;q=0.8' } });
    expect(fallback.body).toContain('<html lang="pt">');
  });

  it('picks text that contrasts with the brand colour, and every page STOP word is a built-in STOP keyword', () => {
    expect(textColourOn('#137a3f')).toBe('#ffffff');
    expect(textColourOn('#ffd400')).toBe('#1b1f23');
    expect(textColourOn('#000000')).toBe('#ffffff');
    expect(stopWordsAreBuiltIn()).toBe(true);
  });

  it('speaks every language with built-in STOP words, right to left in Arabic', async () => {
    const page = { business_name: 'Flor & Cia', frequency: '2 por semana', how_to_stop: 'Reply STOP at any time', privacy_url: 'https://flor.example/privacidade', brand_color: '#FFD400', languages: ['pt', 'en', 'es', 'id', 'ms', 'tr', 'hi', 'ar'] };
    const patched = await t.call(tenant.key, { method: 'PATCH', url: `/api/v1/optin-sources/${formId}`, payload: { page } });
    expect(patched.statusCode, patched.body).toBe(200);
    const get = (lang: string) => t.app.inject({ method: 'GET', url: `/join/flor-cia?lang=${lang}` });
    const ar = (await get('ar')).body;
    expect(ar).toContain('<html lang="ar" dir="rtl">');
    expect(ar).toContain('أرسل توقف في أي وقت');
    expect((await get('tr')).body).toContain('İstediğiniz zaman DUR yazarak');
    expect((await get('id')).body).toContain('Balas BERHENTI kapan saja');
    expect((await get('hi')).body).toContain('कभी भी BAND लिखकर');
    expect((await get('pt')).body).toContain('<html lang="pt">');
    // An Arabic browser gets the Arabic page; the switcher names each language in itself.
    const byBrowser = await t.app.inject({ method: 'GET', url: '/join/flor-cia', headers: { 'accept-language': 'ar-EG,ar;q=0.9' } });
    expect(byBrowser.body).toContain('<html lang="ar" dir="rtl">');
    expect(byBrowser.body).toContain('<a href="?lang=ms" hreflang="ms" lang="ms">Bahasa Melayu</a>');
    expect(stopWordsAreBuiltIn()).toBe(true);
  });

  it('removes the logo', async () => {
    const del = await t.call(tenant.key, { method: 'DELETE', url: `/api/v1/optin-sources/${formId}/logo` });
    expect(del.json()).toEqual({ deleted: true });
    expect((await t.app.inject({ method: 'GET', url: '/join/flor-cia/logo' })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/join/flor-cia' })).body).not.toContain('class="logo"');
  });
});
