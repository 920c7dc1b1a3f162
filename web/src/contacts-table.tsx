import type { Contact } from './api-client';
import { formatTime } from './format';
import { TagList } from './tag-list';

/** The contact list: a checkbox per row (for bulk tagging), phone (opens the detail), name, country, time zone, tags and creation time. */
export function ContactsTable(props: { rows: Contact[]; selectedId: string | undefined; onOpen: (id: string) => void; checked: Set<string>; onCheck: (ids: string[], on: boolean) => void }) {
  const { rows, selectedId, onOpen, checked, onCheck } = props;
  const allChecked = rows.length > 0 && rows.every((c) => checked.has(c.id));
  return (
    <table aria-label="Contacts" className="contacts-table">
      <thead>
        <tr>
          <th className="check">
            <input type="checkbox" aria-label="Select every contact shown" checked={allChecked} onChange={(e) => onCheck(rows.map((c) => c.id), e.target.checked)} />
          </th>
          <th>Phone</th>
          <th>Name</th>
          <th>Country</th>
          <th>Time zone</th>
          <th>Tags</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} data-testid="contact-row" aria-current={c.id === selectedId ? 'true' : undefined}>
            <td className="check">
              <input type="checkbox" aria-label={`Select ${c.name ?? c.profile_name ?? c.phone ?? c.user_id ?? 'contact'}`} checked={checked.has(c.id)} onChange={(e) => onCheck([c.id], e.target.checked)} />
            </td>
            <td className="nowrap">
              <button type="button" className="link" onClick={() => onOpen(c.id)} aria-describedby="contact-open-hint">
                {c.phone ?? c.user_id}
              </button>
            </td>
            <td>{c.name ?? c.profile_name ?? '—'}</td>
            <td>{c.country ?? '—'}</td>
            <td>{c.timezone ?? '—'}</td>
            <td>
              <TagList tags={c.tags} />
            </td>
            <td className="nowrap">{formatTime(c.created_at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
