import { memo } from 'react';
import type { ContactListItem } from './api-client';
import { formatTime } from './format';
import { TagList } from './tag-list';

/**
 * One row of the contact list. Memoised: "Load more" appends 50 rows to a list that may already hold
 * a thousand, and only the new rows (and a row whose tick or selection changed) should render again.
 */
export const ContactRow = memo(function ContactRow({
  contact: c,
  selected,
  checked,
  onOpen,
  onCheck,
}: {
  contact: ContactListItem;
  selected: boolean;
  checked: boolean;
  onOpen: (id: string) => void;
  onCheck: (ids: string[], on: boolean) => void;
}) {
  return (
    <tr data-testid="contact-row" aria-current={selected ? 'true' : undefined}>
      <td className="check">
        <input type="checkbox" aria-label={`Select ${c.name ?? c.profile_name ?? c.phone ?? c.user_id ?? 'contact'}`} checked={checked} onChange={(e) => onCheck([c.id], e.target.checked)} />
      </td>
      <td className="nowrap">
        <button type="button" className="link" onClick={() => onOpen(c.id)} aria-describedby="contact-open-hint">
          {c.phone ?? c.user_id}
        </button>
      </td>
      <td>{c.name ?? c.profile_name ?? '—'}</td>
      <td>{c.country ?? '—'}</td>
      <td>{c.timezone ?? '—'}</td>
      <td>{c.consent.length === 0 ? <span className="muted">none</span> : <TagList tags={c.consent} label="Topics with consent" />}</td>
      <td>{c.lifecycle_stage.replace('_', ' ')}</td>
      <td className="nowrap">{c.last_engaged_at ? formatTime(c.last_engaged_at) : '—'}</td>
      <td>
        <TagList tags={c.tags} />
      </td>
      <td className="nowrap">{formatTime(c.created_at)}</td>
    </tr>
  );
});
