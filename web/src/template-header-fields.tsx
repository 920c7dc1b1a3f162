import { FieldIssues, describedBy } from './template-field-issues';
import { variablesIn, type HeaderKind, type PlacedIssue, type TemplateDraft } from './template-draft';

const KINDS: { value: HeaderKind; label: string }[] = [
  { value: 'none', label: 'No header' },
  { value: 'text', label: 'Text' },
  { value: 'image', label: 'Image' },
  { value: 'video', label: 'Video' },
  { value: 'document', label: 'Document (PDF)' },
];

/** The header part of the composer: none, a line of text (with at most one variable and its example), or media with a sample. */
export function TemplateHeaderFields({ draft, set, issues }: { draft: TemplateDraft; set: (patch: Partial<TemplateDraft>) => void; issues: PlacedIssue[] }) {
  const hasVar = variablesIn(draft.headerText).length > 0;
  return (
    <fieldset className="tpl-group">
      <legend>Header (optional)</legend>
      <div className="field">
        <label htmlFor="tpl-header-kind">Header</label>
        <select id="tpl-header-kind" value={draft.header} onChange={(e) => set({ header: e.target.value as HeaderKind })}>
          {KINDS.map((k) => (
            <option key={k.value} value={k.value}>
              {k.label}
            </option>
          ))}
        </select>
      </div>
      {draft.header === 'text' && (
        <>
          <div className="field">
            <label htmlFor="tpl-header-text">Header text</label>
            <input id="tpl-header-text" value={draft.headerText} maxLength={200} onChange={(e) => set({ headerText: e.target.value })} aria-describedby={describedBy('header', issues)} />
            <span className="muted small">Up to 60 characters; may hold one variable, {'{{1}}'}.</span>
            <FieldIssues field="header" issues={issues} />
          </div>
          {hasVar && (
            <div className="field">
              <label htmlFor="tpl-header-example">{'Example for the header {{1}}'}</label>
              <input id="tpl-header-example" value={draft.headerExample} maxLength={200} onChange={(e) => set({ headerExample: e.target.value })} aria-describedby={describedBy('header-example', issues)} />
              <FieldIssues field="header-example" issues={issues} />
            </div>
          )}
        </>
      )}
      {draft.header !== 'none' && draft.header !== 'text' && (
        <div className="field wide">
          <label htmlFor="tpl-header-media">{`Sample ${draft.header} for review`}</label>
          <input id="tpl-header-media" value={draft.headerMedia} maxLength={2000} placeholder="4::aW… or https://…" onChange={(e) => set({ headerMedia: e.target.value })} aria-describedby={describedBy('header-media', issues)} />
          <span className="muted small">An upload handle from Meta's resumable upload, or a public https link. Each send gives its own {draft.header}.</span>
          <FieldIssues field="header-media" issues={issues} />
        </div>
      )}
    </fieldset>
  );
}
