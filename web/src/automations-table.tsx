import { formatCount } from './broadcast-format';
import { automationStatusLabel, triggerText } from './automation-format';
import type { Automation } from './automations-api';

const COLUMNS = [
  { key: 'enrolled', label: 'Enrolled' },
  { key: 'waiting', label: 'Waiting' },
  { key: 'completed', label: 'Completed' },
  { key: 'converted', label: 'Converted' },
  { key: 'exited', label: 'Left early' },
] as const;

/** Automations, newest first: name (opens it), status, version, what starts it, and how many people are where. */
export function AutomationsTable({ rows, openId, onOpen }: { rows: Automation[]; openId: string | undefined; onOpen: (a: Automation) => void }) {
  return (
    <div className="table-scroll">
      <table aria-label="Automations">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th>Version</th>
            <th>Starts when</th>
            {COLUMNS.map((c) => (
              <th key={c.key} className="num">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.id} data-testid="automation-row" aria-current={a.id === openId ? 'true' : undefined}>
              <td>
                <button type="button" className="link" onClick={() => onOpen(a)}>
                  {a.name}
                </button>
              </td>
              <td>
                <span className={`badge astatus-${a.status}`}>{automationStatusLabel(a.status)}</span>
              </td>
              <td>{a.version === null ? '—' : `v${a.version}`}</td>
              <td className="small">{triggerText(a.definition.trigger)}</td>
              {COLUMNS.map((c) => (
                <td key={c.key} className="num" data-testid={`row-count-${c.key}`}>
                  {formatCount(a.counts[c.key] ?? 0)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
