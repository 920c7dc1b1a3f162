import type { Contact } from './api-client';
import { formatTime } from './format';
import { TagList } from './tag-list';

/** The contact list: phone (opens the detail), name, country, time zone, tags and creation time. */
export function ContactsTable({ rows, selectedId, onOpen }: { rows: Contact[]; selectedId: string | undefined; onOpen: (id: string) => void }) {
  return (
    <table aria-label="Contacts">
      <thead>
        <tr>
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

