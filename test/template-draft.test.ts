// The template composer's pure part (web/src/template-draft.ts) against the server's lint: what
// the form builds is what Meta's creation shape needs, every offered language passes the lint,
// and each finding lands next to the field it is about.
import { describe, expect, it } from 'vitest';
import { lintTemplate } from '../src/modules/templates/index.js';
import { draftToDefinition, EMPTY_DRAFT, newButton, placeIssues, type TemplateDraft } from '../web/src/template-draft.js';
import { TEMPLATE_LANGUAGES } from '../web/src/template-languages.js';

const lint = (d: TemplateDraft) => {
  const { definition, kinds } = draftToDefinition(d);
  const r = lintTemplate({ ...definition, parameterFormat: 'POSITIONAL' });
  return { definition, placed: placeIssues(r, kinds, d), r };
};

describe('template composer drafts', () => {
  it('builds a media header, a phone button and a copy-code button in Meta’s shape, and lints clean', () => {
    const d: TemplateDraft = {
      ...EMPTY_DRAFT,
      name: 'spring_sale',
      category: 'MARKETING',
      header: 'image',
      headerMedia: 'https://cdn.example/spring.jpg',
      body: 'Hi {{1}}, spring prices are here.',
      bodyExamples: { '1': 'Ada' },
      footer: 'Reply STOP to unsubscribe',
      buttons: [{ ...newButton('PHONE_NUMBER'), text: 'Call us', phone: '+44 7700 900123' }, { ...newButton('COPY_CODE'), code: 'SPRING24' }],
    };
    const { definition, r } = lint(d);
    expect(definition.components).toEqual([
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example/spring.jpg'] } },
      { type: 'BODY', text: 'Hi {{1}}, spring prices are here.', example: { body_text: [['Ada']] } },
      { type: 'FOOTER', text: 'Reply STOP to unsubscribe' },
      { type: 'BUTTONS', buttons: [{ type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+447700900123' }, { type: 'COPY_CODE', example: 'SPRING24' }] },
    ]);
    expect(r).toEqual({ errors: [], warnings: [] });
  });

  it('offers only language codes the lint accepts', () => {
    for (const l of TEMPLATE_LANGUAGES) {
      const r = lintTemplate({ name: 'x', language: l.code, category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there.' }], parameterFormat: 'POSITIONAL' });
      expect(r.errors, l.code).toEqual([]);
    }
  });

  it('places findings next to their fields, in plain words', () => {
    const d: TemplateDraft = {
      ...EMPTY_DRAFT,
      name: 'Bad Name',
      category: 'MARKETING',
      header: 'video',
      body: 'Hi {{1}}, your code is {{2}} today',
      bodyExamples: { '1': 'Ada' },
      buttons: [{ ...newButton('URL'), text: 'Open', url: 'https://shop.example/{{1}}' }, { ...newButton('QUICK_REPLY'), text: 'Yes' }, { ...newButton('URL'), text: 'Two', url: 'https://shop.example' }],
    };
    const byField = Object.fromEntries(lint(d).placed.map((p) => [p.field, p.message]));
    expect(byField.name).toMatch(/^Use lowercase letters/);
    expect(byField['header-media']).toMatch(/sample of the media/);
    expect(byField['body-examples']).toBe('Meta needs an example value for every variable: give one for {{2}}.');
    expect(byField['button-0']).toMatch(/needs an example/);
    expect(byField.buttons).toBe('Put all quick replies together, before or after the other buttons (remove and add buttons to reorder them).');
    expect(byField.footer).toMatch(/way out/);
  });
});
