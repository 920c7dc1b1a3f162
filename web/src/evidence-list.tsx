import { formatValue } from './format';

/** How the evidence fields the API knows are labelled; other keys are shown as they are. */
const LABELS: Record<string, string> = {
  text: 'Consent text shown',
  ip: 'IP address',
  user_agent: 'User agent',
  url: 'Page URL',
  app: 'App',
  form_id: 'Form id',
  source_id: 'Source id',
  wamid: 'WhatsApp message id',
  note: 'Note',
  business_name: 'Business name',
  import_id: 'Import id',
  attested_by: 'Attested by',
  collected_where: 'Collected where',
  collected_at: 'Collected at',
  request_id: 'API request id',
};
const ORDER = Object.keys(LABELS);

function rank(key: string): number {
  const i = ORDER.indexOf(key);
  return i === -1 ? ORDER.length : i;
}

/**
 * The evidence of one consent event, every field as plain text (React escapes it): the exact
 * wording first, kept with its line breaks, then the known fields, then any extra ones.
 */
export function EvidenceList({ evidence, textHash }: { evidence: Record<string, unknown>; textHash: string | null }) {
  const keys = Object.keys(evidence).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  if (keys.length === 0 && !textHash) return <p className="muted">No evidence recorded.</p>;
  return (
    <dl className="evidence">
      {keys.map((k) => (
        <div key={k}>
          <dt>{LABELS[k] ?? k}</dt>
          <dd data-field={k} className={k === 'text' ? 'evidence-text' : undefined}>
            {formatValue(evidence[k])}
          </dd>
        </div>
      ))}
      {textHash && (
        <div>
          <dt>Text version (SHA-256)</dt>
          <dd data-field="text_hash">
            <code>{textHash}</code>
          </dd>
        </div>
      )}
    </dl>
  );
}
