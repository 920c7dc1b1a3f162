import { useState, type FormEvent } from 'react';
import type { ApiKey } from './api-client';
import type { AuditFilter, User } from './settings-api';

// Action families offered in the filter (the API also takes any exact action).
const FAMILIES: [string, string][] = [
  ['consent.*', 'Consent'],
  ['contact.*', 'Contacts'],
  ['import.*', 'Imports'],
  ['broadcast.*', 'Broadcasts'],
  ['template.*', 'Templates'],
  ['segment.*', 'Segments'],
  ['automation.*', 'Automations'],
  ['optin_source.*', 'Opt-in sources'],
  ['user.*', 'Users'],
  ['api_key.*', 'API keys'],
  ['session.*', 'Log-ins'],
  ['workspace.*', 'Workspace settings'],
  ['phone_number.*', 'Phone numbers'],
  ['webhook_endpoint.*', 'Webhooks'],
];

/** The filter as the form edits it: an actor choice (`user:<id>`, `api_key:<id>`, `system`, `cli`), dates as YYYY-MM-DD. */
export interface AuditFilterDraft {
  actor: string;
  action: string;
  contact: string;
  from: string;
  to: string;
}

/** An empty filter: everything. */
export const NO_FILTER: AuditFilterDraft = { actor: '', action: '', contact: '', from: '', to: '' };

// A local calendar day's start as an instant: the "to" day is included, so the range ends at the next day's start.
function dayStart(day: string, plusDays = 0): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + plusDays).toISOString();
}

/** The API query for a draft, with the contact id found for its name or phone (if any). */
export function filterQuery(f: AuditFilterDraft, contactId: string | undefined): AuditFilter {
  const [kind, id] = f.actor.split(':');
  return {
    ...(kind === 'user' || kind === 'api_key' ? { actor_type: kind, actor_id: id } : kind === 'system' || kind === 'cli' ? { actor_type: kind } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(contactId ? { contact_id: contactId } : {}),
    ...(f.from ? { since: dayStart(f.from) } : {}),
    ...(f.to ? { until: dayStart(f.to, 1) } : {}),
  };
}

/** Filters for the audit log: who, what, which contact, which days. */
export function AuditFilters({ value, users, keys, onApply }: { value: AuditFilterDraft; users: User[]; keys: ApiKey[]; onApply: (f: AuditFilterDraft) => void }) {
  const [draft, setDraft] = useState(value);
  const set = (patch: Partial<AuditFilterDraft>) => setDraft({ ...draft, ...patch });
  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(draft);
  }
  return (
    <form className="audit-filters" aria-label="Filter the audit log" onSubmit={submit}>
      <div className="field">
        <label htmlFor="audit-actor">Who</label>
        <select id="audit-actor" value={draft.actor} onChange={(e) => set({ actor: e.target.value })}>
          <option value="">Anyone</option>
          {users.map((u) => (
            <option key={u.id} value={`user:${u.id}`}>
              {u.name || u.email}
            </option>
          ))}
          {keys.map((k) => (
            <option key={k.id} value={`api_key:${k.id}`}>
              API key &apos;{k.name}&apos;
            </option>
          ))}
          <option value="system">Greenlist (webhooks, sweeps)</option>
          <option value="cli">The command line</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-action">What</label>
        <select id="audit-action" value={draft.action} onChange={(e) => set({ action: e.target.value })}>
          <option value="">Everything</option>
          {FAMILIES.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="audit-contact">Contact (name or phone)</label>
        <input id="audit-contact" type="search" value={draft.contact} onChange={(e) => set({ contact: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="audit-from">From</label>
        <input id="audit-from" type="date" value={draft.from} onChange={(e) => set({ from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="audit-to">To</label>
        <input id="audit-to" type="date" value={draft.to} onChange={(e) => set({ to: e.target.value })} />
      </div>
      <div className="row">
        <button type="submit">Apply filters</button>
        <button type="button" className="secondary" onClick={() => (setDraft(NO_FILTER), onApply(NO_FILTER))}>
          Clear
        </button>
      </div>
    </form>
  );
}
