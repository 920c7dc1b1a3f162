import { exampleUrl, fillExamples, type DraftButton, type TemplateDraft } from './template-draft';

const ICONS: Record<DraftButton['kind'], string> = { QUICK_REPLY: '↩', URL: '↗', PHONE_NUMBER: '☎', COPY_CODE: '⧉' };
const MEDIA: Record<string, string> = { image: 'Image', video: 'Video', document: 'Document' };

function buttonLabel(b: DraftButton): string {
  if (b.kind === 'COPY_CODE') return 'Copy code';
  return b.text.trim() || (b.kind === 'URL' ? 'Visit website' : b.kind === 'PHONE_NUMBER' ? 'Call' : 'Reply');
}

/** The template as a phone shows it, with the example values in place of the variables. */
export function TemplatePhonePreview({ draft }: { draft: TemplateDraft }) {
  const headerText = draft.header === 'text' ? fillExamples(draft.headerText, { '1': draft.headerExample }) : '';
  const body = fillExamples(draft.body, draft.bodyExamples);
  return (
    <div className="tpl-phone" aria-label="Preview on a phone" role="figure">
      <div className="tpl-phone-bar">Your business</div>
      <div className="tpl-phone-chat" data-testid="template-phone-preview">
        <div className="tpl-bubble">
          {draft.header !== 'none' && draft.header !== 'text' && <div className={`tpl-media tpl-media-${draft.header}`}>{MEDIA[draft.header]}</div>}
          {headerText.trim() && <p className="tpl-header">{headerText}</p>}
          <p className="tpl-body">{body.trim() ? body : <span className="muted">Your message appears here.</span>}</p>
          {draft.footer.trim() && <p className="tpl-footer">{draft.footer}</p>}
          <span className="tpl-time">12:00</span>
        </div>
        {draft.buttons.map((b, i) => (
          <div key={i} className="tpl-phone-button" title={b.kind === 'URL' ? exampleUrl(b) : undefined}>
            <span aria-hidden="true">{ICONS[b.kind]}</span> {buttonLabel(b)}
          </div>
        ))}
      </div>
    </div>
  );
}
