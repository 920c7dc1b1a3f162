import type { ContactListItem } from './api-client';
import { ContactRow } from './contact-row';

/** The contact list (rows memoised: pass stable `onOpen` and `onCheck`): a checkbox per row (for bulk tagging), phone (opens the detail), name, country, time zone, tags and creation time. */
export function ContactsTable(props: { rows: ContactListItem[]; selectedId: string | undefined; onOpen: (id: string) => void; checked: Set<string>; onCheck: (ids: string[], on: boolean) => void }) {
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
          <th>Consent</th>
          <th>Stage</th>
          <th>Last engaged</th>
          <th>Tags</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((c) => (
          <ContactRow key={c.id} contact={c} selected={c.id === selectedId} checked={checked.has(c.id)} onOpen={onOpen} onCheck={onCheck} />
        ))}
      </tbody>
    </table>
  );
}
