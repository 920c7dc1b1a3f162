import { useEffect, useState } from 'react';
import { previewTemplate, type VariableSource } from './templates-api';

type State = { status: 'idle' } | { status: 'pending' } | { status: 'ok'; text: string } | { status: 'skipped'; reason: string } | { status: 'failed'; message: string };

/** The message as a sample contact would get it, rendered by the API as the mapping changes. */
export function ComposerPreview({ templateId, variables }: { templateId: string; variables: Record<string, VariableSource> | undefined }) {
  const [sampleName, setSampleName] = useState('Ada Obi');
  const [state, setState] = useState<State>({ status: 'idle' });
  const key = JSON.stringify([templateId, variables, sampleName]);

  useEffect(() => {
    if (!variables) {
      setState({ status: 'idle' });
      return;
    }
    let live = true;
    setState({ status: 'pending' });
    const timer = setTimeout(() => {
      previewTemplate(templateId, { variables, sample: { name: sampleName.trim() === '' ? null : sampleName } }).then(
        (r) => live && setState(r.ok && r.text !== null ? { status: 'ok', text: r.text } : { status: 'skipped', reason: r.reason ?? 'the message cannot be rendered' }),
        (err: unknown) => live && setState({ status: 'failed', message: err instanceof Error ? err.message : String(err) }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `key` stands for templateId, variables and sampleName.
  }, [key]);

  return (
    <div className="composer-preview">
      <div className="field">
        <label htmlFor="preview-sample-name">Preview for a contact named</label>
        <input id="preview-sample-name" value={sampleName} onChange={(e) => setSampleName(e.target.value)} maxLength={200} placeholder="(no name)" />
      </div>
      <div aria-live="polite" aria-busy={state.status === 'pending'} data-testid="composer-preview">
        {state.status === 'idle' && <p className="muted small">Fill in every variable to see the message.</p>}
        {state.status === 'pending' && <p className="muted small">Rendering…</p>}
        {state.status === 'ok' && <p className="message-text bubble">{state.text}</p>}
        {state.status === 'skipped' && <p className="error">{`This contact would be skipped: ${state.reason}`}</p>}
        {state.status === 'failed' && <p className="error">{state.message}</p>}
      </div>
    </div>
  );
}
