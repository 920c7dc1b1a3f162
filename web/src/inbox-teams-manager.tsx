import { useState, type FormEvent } from 'react';
import { ApiError } from './api-client';
import { createInboxTeam, deleteInboxTeam, setInboxTeamMembers, type InboxTeam, type Routing } from './inbox-api';

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));

/** Checkboxes for the users who may answer, one per agent. */
function MemberBoxes({ agents, chosen, disabled, onToggle, label }: { agents: Routing['agents']; chosen: string[]; disabled: boolean; onToggle: (userId: string, on: boolean) => void; label: string }) {
  return (
    <div className="inbox-team-members" role="group" aria-label={label}>
      {agents.map((a) => (
        <label key={a.user_id} className="inline">
          <input type="checkbox" checked={chosen.includes(a.user_id)} disabled={disabled} onChange={(e) => onToggle(a.user_id, e.target.checked)} /> {a.name || a.email}
        </label>
      ))}
    </div>
  );
}

/** The workspace's teams (owners and admins): add one with its members, change members, delete one. */
export function InboxTeamsManager({ teams, agents, onClose, onChanged }: { teams: InboxTeam[]; agents: Routing['agents']; onClose: () => void; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<unknown>, after?: () => void) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      after?.();
      onChanged();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    void run(
      () => createInboxTeam({ name: name.trim(), user_ids: members }),
      () => {
        setName('');
        setMembers([]);
      },
    );
  }
  const toggled = (list: string[], id: string, on: boolean) => (on ? [...list, id] : list.filter((x) => x !== id));

  return (
    <section className="card inbox-canned-manager" aria-labelledby="teams-title" data-testid="teams-manager">
      <div className="section-head">
        <h3 id="teams-title">Teams</h3>
        <button type="button" className="secondary" onClick={onClose}>
          Done
        </button>
      </div>
      <p className="muted small">Assign a conversation to a team; with round-robin on, it goes to the team&apos;s next available member. &quot;Mine&quot; includes your teams&apos; conversations no one has taken yet.</p>
      <ul className="plain inbox-contact-list">
        {teams.map((t) => (
          <li key={t.id} data-testid="team-row">
            <strong>{t.name}</strong>{' '}
            <button type="button" className="secondary small" disabled={busy} onClick={() => void run(() => deleteInboxTeam(t.id))} aria-label={`Delete team ${t.name}`}>
              Delete
            </button>
            <MemberBoxes agents={agents} chosen={t.user_ids} disabled={busy} label={`Members of ${t.name}`} onToggle={(id, on) => void run(() => setInboxTeamMembers(t.id, toggled(t.user_ids, id, on)))} />
          </li>
        ))}
        {teams.length === 0 && <li className="muted">No teams yet.</li>}
      </ul>
      <form className="inbox-canned-form" onSubmit={save}>
        <input aria-label="Team name" placeholder="Team name, e.g. Returns" value={name} onChange={(e) => setName(e.target.value)} />
        <MemberBoxes agents={agents} chosen={members} disabled={busy} label="Members of the new team" onToggle={(id, on) => setMembers((m) => toggled(m, id, on))} />
        <button type="submit" disabled={busy || !name.trim()}>
          Add team
        </button>
      </form>
      {error && (
        <p className="error" role="alert" data-testid="teams-error">
          {error}
        </p>
      )}
    </section>
  );
}
