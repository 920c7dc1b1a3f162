import { useState, type FormEvent } from 'react';
import { templateLabel, templateText } from './template-format';
import { previewTemplate, type Template, type TemplatePreview } from './templates-api';
import { useResource } from './use-resource';

/**
 * One template: its text with placeholders and a rendered preview. Empty sample fields take Meta's
 * example values; typed ones are sent as fixed text.
 */
export function TemplatePreviewPanel({ template, onClose }: { template: Template; onClose: () => void }) {
  const [samples, setSamples] = useState<Record<string, string>>({});
  const [asked, setAsked] = useState<Record<string, string>>({});
  const preview = useResource<TemplatePreview>(() => {
    const variables = Object.fromEntries(Object.entries(asked).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, { value: v }]));
    return previewTemplate(template.id, { variables });
  }, JSON.stringify([template.id, asked]));

  function submit(e: FormEvent) {
    e.preventDefault();
    setAsked({ ...samples });
  }

  return (
    <section className="card detail" aria-labelledby="template-preview-title" data-testid="template-preview">
      <div className="section-head">
        <h3 id="template-preview-title">{templateLabel(template)}</h3>
        <button type="button" className="secondary" onClick={onClose} aria-label="Close the template">
          Close
        </button>
      </div>
      <h4>Text</h4>
      <p className="message-text">{templateText(template)}</p>
      {template.params.length > 0 && (
        <form onSubmit={submit} className="sample-form" aria-label="Sample values">
          <h4>Sample values</h4>
          <p className="muted small">Leave a field empty to use the example value the template was approved with.</p>
          {template.params.map((p) => (
            <div className="field" key={p.key}>
              <label htmlFor={`sample-${p.key}`}>{`Sample for ${p.key}`}</label>
              <input id={`sample-${p.key}`} value={samples[p.key] ?? ''} onChange={(e) => setSamples((s) => ({ ...s, [p.key]: e.target.value }))} maxLength={1024} />
            </div>
          ))}
          <div className="row">
            <button type="submit">Preview</button>
          </div>
        </form>
      )}
      <h4>Preview</h4>
      <div aria-busy={preview.loading} aria-live="polite">
        {preview.error && (
          <p className="error" role="alert">
            {preview.error}
          </p>
        )}
        {preview.data?.ok && (
          <p className="message-text bubble" data-testid="template-preview-text">
            {preview.data.text}
          </p>
        )}
        {preview.data && !preview.data.ok && <p className="error">{preview.data.reason}</p>}
      </div>
    </section>
  );
}
