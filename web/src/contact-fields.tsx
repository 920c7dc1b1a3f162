import type { Contact } from './api-client';
import { formatTime, formatValue } from './format';
import { TagList } from './tag-list';

/** A contact's fields, tags, notes and custom attributes, as a description list. */
export function ContactFields({ contact: c }: { contact: Contact }) {
  const attributes = Object.entries(c.attributes);
  const fields: [string, string][] = [
    ['Phone', c.phone ?? '—'],
    ['WhatsApp id', c.wa_id ?? '—'],
    ['Business-scoped user id', c.user_id ?? '—'],
    ['Name', c.name ?? '—'],
    ['Profile name', c.profile_name ?? '—'],
    ['Country', c.country ?? '—'],
    ['Time zone', c.timezone ? `${c.timezone}${c.timezone_source ? ` (${c.timezone_source})` : ''}` : '—'],
    ['Language', c.language ?? '—'],
    ['Lifecycle stage', c.lifecycle_stage],
    ['Created', formatTime(c.created_at)],
    ['Updated', formatTime(c.updated_at)],
  ];
  return (
    <>
      <dl className="fields">
        {fields.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        <div>
          <dt>Tags</dt>
          <dd>
            <TagList tags={c.tags} />
          </dd>
        </div>
        {c.notes && (
          <div>
            <dt>Notes</dt>
            <dd className="prewrap">{c.notes}</dd>
          </div>
        )}
      </dl>
      <h4>Attributes</h4>
      {attributes.length === 0 ? (
        <p className="muted">No custom attributes.</p>
      ) : (
        <dl className="fields" aria-label="Attributes">
          {attributes.map(([k, v]) => (
            <div key={k}>
              <dt>
                <code>{k}</code>
              </dt>
              <dd>{formatValue(v)}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}
