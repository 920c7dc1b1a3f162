import { describe, expect, it } from 'vitest';
import { checkVariableMap, compileTemplate, exampleValues, lintTemplate, renderTemplate, templateParams, type RenderContact, type TemplateDef } from './templates.rules.js';

const PROMO: TemplateDef = {
  name: 'spring_promo',
  language: 'en_US',
  category: 'MARKETING',
  parameterFormat: 'POSITIONAL',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Hello {{1}}', example: { header_text: ['Ann'] } },
    { type: 'BODY', text: 'Hi {{1}}, your plan {{2}} renews soon. Use code {{3}} today!', example: { body_text: [['Ann', 'Gold', 'SPRING']] } },
    { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'URL', text: 'Shop', url: 'https://shop.example/p/{{1}}', example: ['https://shop.example/p/abc'] },
        { type: 'QUICK_REPLY', text: 'Stop promotions' },
      ],
    },
  ],
};

const NAMED: TemplateDef = {
  name: 'order_confirmation',
  language: 'en_US',
  category: 'UTILITY',
  parameterFormat: 'NAMED',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{order_number}}', example: { header_text_named_params: [{ param_name: 'order_number', example: 'SKB1' }] } },
    {
      type: 'BODY',
      text: 'Hi {{customer_name}}, order {{order_number}} is confirmed.',
      example: { body_text_named_params: [{ param_name: 'customer_name', example: 'Jess' }, { param_name: 'order_number', example: 'SKB1' }] },
    },
  ],
};

const ANN: RenderContact = { name: 'Ann  Marie Smith', profile_name: 'Annie', phone: '+14155550100', country: 'US', language: 'en', attributes: { plan: 'Gold', visits: 3, vip: true, renew_on: '2026-12-01', note: 'line1\nline2\t\tx     y' } };

describe('templateParams', () => {
  it('lists positional header, body and URL button parameters in send order', () => {
    expect(templateParams(PROMO).map((p) => p.key)).toEqual(['header.1', 'body.1', 'body.2', 'body.3', 'button.0']);
    expect(templateParams(PROMO).at(-1)).toEqual({ key: 'button.0', component: 'button', index: '0', name: '1' });
  });
  it('keys named parameters by name and media headers as header.media', () => {
    expect(templateParams(NAMED).map((p) => p.key)).toEqual(['header.order_number', 'body.customer_name', 'body.order_number']);
    const media = { ...NAMED, components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Look' }] };
    expect(templateParams(media)).toEqual([{ key: 'header.media', component: 'header', name: 'media' }]);
  });
  it('sorts positional variables by number', () => {
    const t = { ...PROMO, components: [{ type: 'BODY', text: 'A {{2}} b {{1}} c' }] };
    expect(templateParams(t).map((p) => p.key)).toEqual(['body.1', 'body.2']);
  });
  it('reads example values', () => {
    expect(exampleValues(PROMO)).toEqual({ 'header.1': 'Ann', 'body.1': 'Ann', 'body.2': 'Gold', 'body.3': 'SPRING', 'button.0': 'abc' });
    expect(exampleValues(NAMED)).toEqual({ 'header.order_number': 'SKB1', 'body.customer_name': 'Jess', 'body.order_number': 'SKB1' });
  });
});

describe('checkVariableMap', () => {
  const full = { 'header.1': { field: 'first_name' }, 'body.1': { field: 'first_name', fallback: 'there' }, 'body.2': { attribute: 'plan' }, 'body.3': { value: 'SPRING' }, 'button.0': { value: 'spring' } } as const;
  it('accepts a complete map', () => {
    expect(checkVariableMap(PROMO, full)).toEqual([]);
  });
  it('names unknown keys, missing sources and bad shapes by path', () => {
    const problems = checkVariableMap(PROMO, { ...full, 'body.9': { value: 'x' }, 'body.2': { attribute: 'plan', value: 'x' } as never, 'header.1': { field: 'surname' } as never, 'button.0': undefined as never });
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.problem]));
    expect(byPath['template.variables["body.9"]']).toMatch(/no variable body.9/);
    expect(byPath['template.variables["body.2"]']).toMatch(/exactly one/);
    expect(byPath['template.variables["header.1"]']).toMatch(/field must be one of/);
    expect(byPath['template.variables["button.0"]']).toMatch(/must be an object/);
    expect(checkVariableMap(PROMO, {}).map((p) => p.path)).toEqual(['header.1', 'body.1', 'body.2', 'body.3', 'button.0'].map((k) => `template.variables["${k}"]`));
  });
  it('rejects empty fallbacks and values, and a fallback on a fixed value', () => {
    expect(checkVariableMap(NAMED, { 'header.order_number': { value: ' ' }, 'body.customer_name': { field: 'name', fallback: '' }, 'body.order_number': { value: 'x', fallback: 'y' } as never }).map((p) => p.problem)).toEqual([
      'value must be non-empty text',
      'fallback must be non-empty text',
      'unknown key fallback (a fixed value needs no fallback)',
    ]);
  });
  it('requires an https link for a media header', () => {
    const media = { ...NAMED, components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Look' }] };
    expect(checkVariableMap(media, { 'header.media': { field: 'name' } })[0]!.problem).toMatch(/https link/);
    expect(checkVariableMap(media, { 'header.media': { value: 'https://cdn.example/a.jpg' } })).toEqual([]);
  });
});

describe('renderTemplate', () => {
  const map = { 'header.1': { field: 'first_name' }, 'body.1': { field: 'name' }, 'body.2': { attribute: 'plan' }, 'body.3': { value: 'SPRING' }, 'button.0': { attribute: 'visits' } } as const;
  it('builds the send components and the hydrated text', () => {
    const r = renderTemplate(PROMO, map, ANN);
    expect(r).toEqual({
      ok: true,
      message: {
        type: 'template',
        name: 'spring_promo',
        language: 'en_US',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'Ann' }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Ann  Marie Smith' }, { type: 'text', text: 'Gold' }, { type: 'text', text: 'SPRING' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '3' }] },
        ],
      },
      text: 'Hello Ann\n\nHi Ann  Marie Smith, your plan Gold renews soon. Use code SPRING today!\n\nReply STOP to unsubscribe',
    });
  });
  it('carries parameter_name for NAMED templates', () => {
    const r = renderTemplate(NAMED, { 'header.order_number': { attribute: 'renew_on' }, 'body.customer_name': { field: 'profile_name' }, 'body.order_number': { attribute: 'renew_on' } }, ANN);
    expect(r.ok && r.message.components).toEqual([
      { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_number', text: '2026-12-01' }] },
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'customer_name', text: 'Annie' }, { type: 'text', parameter_name: 'order_number', text: '2026-12-01' }] },
    ]);
  });
  it('first_name falls back to the profile name; booleans are text; newlines, tabs and long runs of spaces collapse', () => {
    const t = { ...PROMO, components: [{ type: 'BODY', text: 'Hi {{1}} / {{2}} / {{3}} !' }] };
    const r = renderTemplate(t, { 'body.1': { field: 'first_name' }, 'body.2': { attribute: 'vip' }, 'body.3': { attribute: 'note' } }, { ...ANN, name: null });
    expect(r.ok && r.text).toBe('Hi Annie / true / line1 line2 x y !');
  });
  it('uses the fallback when the value is missing, and skips the contact when there is none', () => {
    const t = { ...PROMO, components: [{ type: 'BODY', text: 'Hi {{1}}, welcome' }] };
    const bare = { ...ANN, name: null, profile_name: '  ', attributes: {} };
    expect(renderTemplate(t, { 'body.1': { field: 'first_name', fallback: 'there' } }, bare)).toMatchObject({ ok: true, text: 'Hi there, welcome' });
    expect(renderTemplate(t, { 'body.1': { field: 'first_name' } }, bare)).toEqual({ ok: false, reason: 'variable body.1 (first_name) has no value for this contact and no fallback', variable: 'body.1' });
    expect(renderTemplate(t, { 'body.1': { attribute: 'plan' } }, bare)).toMatchObject({ ok: false, variable: 'body.1', reason: expect.stringContaining('(attribute plan)') });
  });
  it('sends a media header as a link of its format, and no components for a template without parameters', () => {
    const media = { ...NAMED, components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Your invoice' }] };
    const r = renderTemplate(media, { 'header.media': { value: 'https://cdn.example/i.pdf' } }, ANN);
    expect(r.ok && r.message.components).toEqual([{ type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.example/i.pdf' } }] }]);
    expect(r.ok && r.text).toBe('Your invoice');
    const hello = renderTemplate({ ...NAMED, components: [{ type: 'BODY', text: 'Hello' }] }, {}, ANN);
    expect(hello).toEqual({ ok: true, message: { type: 'template', name: 'order_confirmation', language: 'en_US' }, text: 'Hello' });
  });
  it('renders 100,000 recipients in well under a second once compiled', () => {
    const render = compileTemplate(PROMO, map);
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) render({ ...ANN, phone: `+1415555${i}` });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

const codes = (def: TemplateDef) => {
  const r = lintTemplate(def);
  return { errors: r.errors.map((e) => `${e.code}@${e.path}`), warnings: r.warnings.map((w) => w.code) };
};

describe('lintTemplate', () => {
  it('passes good templates', () => {
    expect(codes(PROMO)).toEqual({ errors: [], warnings: [] });
    expect(codes(NAMED)).toEqual({ errors: [], warnings: [] });
  });
  it('checks name, language, category, body presence and duplicates', () => {
    expect(codes({ ...NAMED, name: 'Bad Name', language: 'english', category: 'PROMO', parameterFormat: 'X', components: [{ type: 'FOOTER', text: 'a' }, { type: 'FOOTER', text: 'b' }, { type: 'CAROUSEL' }] }).errors).toEqual([
      'TEMPLATE_NAME_INVALID@name',
      'TEMPLATE_LANGUAGE_INVALID@language',
      'TEMPLATE_CATEGORY_INVALID@category',
      'TEMPLATE_PARAMETER_FORMAT_INVALID@parameter_format',
      'TEMPLATE_COMPONENT_INVALID@components[2].type',
      'TEMPLATE_BODY_MISSING@components',
      'TEMPLATE_COMPONENT_DUPLICATE@components',
    ]);
  });
  it('checks lengths and variables in header, body and footer', () => {
    const def: TemplateDef = {
      ...PROMO,
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: `${'h'.repeat(55)} {{1}} and {{2}}`, example: { header_text: ['a', 'b'] } },
        { type: 'BODY', text: `{{1}} and {{3}}{{4}}${'x'.repeat(1020)}` },
        { type: 'FOOTER', text: 'Thanks {{1}}' },
      ],
    };
    expect(codes(def).errors).toEqual([
      'TEMPLATE_TEXT_TOO_LONG@components[0].text',
      'TEMPLATE_HEADER_VARIABLES@components[0].text',
      'TEMPLATE_TEXT_TOO_LONG@components[1].text',
      'TEMPLATE_VARIABLES_NOT_SEQUENTIAL@components[1].text',
      'TEMPLATE_VARIABLES_ADJACENT@components[1].text',
      'TEMPLATE_VARIABLE_AT_EDGE@components[1].text',
      'TEMPLATE_EXAMPLE_MISSING@components[1].example',
      'TEMPLATE_FOOTER_VARIABLES@components[2].text',
    ]);
  });
  it('flags a body ending in a variable and named variables that are not snake_case', () => {
    expect(codes({ ...PROMO, category: 'UTILITY', components: [{ type: 'BODY', text: 'Your code is {{1}}.', example: { body_text: [['1']] } }] }).errors).toEqual(['TEMPLATE_VARIABLE_AT_EDGE@components[0].text']);
    expect(codes({ ...NAMED, components: [{ type: 'BODY', text: 'Hi {{CustomerName}} ok', example: { body_text_named_params: [{ param_name: 'CustomerName', example: 'x' }] } }] }).errors).toEqual([
      'TEMPLATE_VARIABLE_NAME_INVALID@components[0].text',
    ]);
    expect(codes({ ...NAMED, components: [{ type: 'BODY', text: 'Hi {{name}} ok', example: { body_text_named_params: [{ param_name: 'other', example: 'x' }] } }] }).errors).toEqual(['TEMPLATE_EXAMPLE_MISSING@components[0].example']);
  });
  it('checks buttons: counts, text length, grouping, URL variables and examples', () => {
    const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
    const def: TemplateDef = {
      ...PROMO,
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hello there' },
        {
          type: 'BUTTONS',
          buttons: [qr('Yes'), { type: 'URL', text: 'Go', url: 'https://a.example/{{1}}' }, qr('No'), { type: 'URL', text: 'B', url: 'https://b.example' }, { type: 'URL', text: 'C', url: 'https://c.example/{{2}}/x', example: ['x'] }, { type: 'PHONE_NUMBER', text: 'Call us, we are here all day long', phone_number: 'abc' }],
        },
      ],
    };
    expect(codes(def).errors).toEqual([
      'TEMPLATE_EXAMPLE_MISSING@components[1].buttons[1].example',
      'TEMPLATE_BUTTONS_INVALID@components[1].buttons[4].url',
      'TEMPLATE_TEXT_TOO_LONG@components[1].buttons[5].text',
      'TEMPLATE_BUTTONS_INVALID@components[1].buttons[5].phone_number',
      'TEMPLATE_BUTTONS_INVALID@components[1].buttons',
      'TEMPLATE_BUTTONS_NOT_GROUPED@components[1].buttons',
    ]);
  });
  it('wants quick replies before or after all the other buttons, not between them', () => {
    const buttons = (...kinds: string[]) => ({ ...PROMO, category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there' }, { type: 'BUTTONS', buttons: kinds.map((type) => (type === 'URL' ? { type, text: 'Go', url: 'https://a.example' } : { type, text: 'Ok' })) }] });
    expect(codes(buttons('URL', 'QUICK_REPLY', 'URL')).errors).toEqual(['TEMPLATE_BUTTONS_NOT_GROUPED@components[1].buttons']);
    expect(codes(buttons('QUICK_REPLY', 'QUICK_REPLY', 'URL')).errors).toEqual([]);
    expect(codes(buttons('URL', 'QUICK_REPLY', 'QUICK_REPLY')).errors).toEqual([]);
  });
  it('requires a media handle example for media headers', () => {
    expect(codes({ ...NAMED, components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Look' }] }).errors).toEqual(['TEMPLATE_EXAMPLE_MISSING@components[0].example.header_handle']);
  });
  it('warns when a marketing template has no way out, in several languages', () => {
    const marketing = (components: unknown[]): TemplateDef => ({ ...PROMO, components: [{ type: 'BODY', text: 'Big sale this week' }, ...components] });
    expect(codes(marketing([])).warnings).toEqual(['TEMPLATE_NO_OPT_OUT']);
    expect(codes(marketing([{ type: 'FOOTER', text: 'Thanks for shopping' }])).warnings).toEqual(['TEMPLATE_NO_OPT_OUT']);
    expect(codes(marketing([{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] }])).warnings).toEqual([]);
    expect(codes(marketing([{ type: 'FOOTER', text: 'Responde BAJA para darte de baja' }])).warnings).toEqual([]);
    expect(codes(marketing([{ type: 'FOOTER', text: 'Antworte STOPP zum Abmelden' }])).warnings).toEqual([]);
    expect(codes(marketing([{ type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Me désabonner' }] }])).warnings).toEqual([]);
    expect(codes({ ...marketing([]), category: 'UTILITY' }).warnings).toEqual([]);
  });
  it('does not ask authentication templates for body text', () => {
    expect(codes({ name: 'otp', language: 'en', category: 'AUTHENTICATION', parameterFormat: 'POSITIONAL', components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }] })).toEqual({ errors: [], warnings: [] });
  });
});
