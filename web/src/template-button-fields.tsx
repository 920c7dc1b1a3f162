import { FieldIssues, describedBy } from './template-field-issues';
import { BUTTON_LIMITS, MAX_BUTTONS, newButton, variablesIn, type ButtonKind, type DraftButton, type PlacedIssue } from './template-draft';

const LABELS: Record<ButtonKind, string> = { QUICK_REPLY: 'Quick reply', URL: 'Link', PHONE_NUMBER: 'Call', COPY_CODE: 'Copy code' };

function ButtonRow({ b, i, change, remove, issues }: { b: DraftButton; i: number; change: (patch: Partial<DraftButton>) => void; remove: () => void; issues: PlacedIssue[] }) {
  const id = `tpl-button-${i}`;
  const n = i + 1;
  return (
    <div className="tpl-button" data-testid="template-button" role="group" aria-label={`Button ${n}: ${LABELS[b.kind]}`}>
      <div className="row tpl-button-head">
        <strong>{`${n}. ${LABELS[b.kind]}`}</strong>
        <button type="button" className="secondary small" onClick={remove} aria-label={`Remove button ${n}`}>
          Remove
        </button>
      </div>
      {b.kind !== 'COPY_CODE' && (
        <div className="field">
          <label htmlFor={`${id}-text`}>{`Button ${n} text`}</label>
          <input id={`${id}-text`} value={b.text} maxLength={60} onChange={(e) => change({ text: e.target.value })} aria-describedby={describedBy(`button-${i}`, issues)} />
        </div>
      )}
      {b.kind === 'URL' && (
        <>
          <div className="field wide">
            <label htmlFor={`${id}-url`}>{`Button ${n} link`}</label>
            <input id={`${id}-url`} type="url" value={b.url} maxLength={2000} placeholder="https://shop.example/orders/{{1}}" onChange={(e) => change({ url: e.target.value })} />
            <span className="muted small">May end with {'{{1}}'}: each send fills in the rest of the link.</span>
          </div>
          {variablesIn(b.url).length > 0 && (
            <div className="field">
              <label htmlFor={`${id}-example`}>{`Button ${n} example for {{1}}`}</label>
              <input id={`${id}-example`} value={b.urlExample} maxLength={500} placeholder="A1234" onChange={(e) => change({ urlExample: e.target.value })} />
            </div>
          )}
        </>
      )}
      {b.kind === 'PHONE_NUMBER' && (
        <div className="field">
          <label htmlFor={`${id}-phone`}>{`Button ${n} phone number`}</label>
          <input id={`${id}-phone`} type="tel" value={b.phone} maxLength={24} placeholder="+15550100" onChange={(e) => change({ phone: e.target.value })} />
        </div>
      )}
      {b.kind === 'COPY_CODE' && (
        <div className="field">
          <label htmlFor={`${id}-code`}>{`Button ${n} example code`}</label>
          <input id={`${id}-code`} value={b.code} maxLength={15} placeholder="SPRING24" onChange={(e) => change({ code: e.target.value })} />
        </div>
      )}
      <FieldIssues field={`button-${i}`} issues={issues} />
    </div>
  );
}

/** The buttons part of the composer: add quick replies, links, a call and a copy-code button within Meta's limits. */
export function TemplateButtonFields({ buttons, onChange, issues }: { buttons: DraftButton[]; onChange: (buttons: DraftButton[]) => void; issues: PlacedIssue[] }) {
  const count = (k: ButtonKind) => buttons.filter((b) => b.kind === k).length;
  const full = buttons.length >= MAX_BUTTONS;
  return (
    <fieldset className="tpl-group">
      <legend>Buttons (optional)</legend>
      {buttons.map((b, i) => (
        <ButtonRow
          key={i}
          b={b}
          i={i}
          issues={issues}
          change={(patch) => onChange(buttons.map((x, j) => (j === i ? { ...x, ...patch } : x)))}
          remove={() => onChange(buttons.filter((_, j) => j !== i))}
        />
      ))}
      <FieldIssues field="buttons" issues={issues} />
      <div className="row tpl-add-buttons">
        {(Object.keys(LABELS) as ButtonKind[]).map((k) => (
          <button key={k} type="button" className="secondary" disabled={full || count(k) >= BUTTON_LIMITS[k]} onClick={() => onChange([...buttons, newButton(k)])}>
            {`Add ${LABELS[k].toLowerCase()}`}
          </button>
        ))}
      </div>
      <p className="muted small">{`Up to ${MAX_BUTTONS} buttons: quick replies together, at most 2 links, 1 call and 1 copy code.`}</p>
    </fieldset>
  );
}
