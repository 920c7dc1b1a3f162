import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from './api-client';
import { InboxComposer } from './inbox-composer';
import { addConversationNote, assignConversation, assignConversationTeam, setConversationState, type ConversationDetail, type ConversationNote, type InboxTeam, type Routing, type ThreadMessage } from './inbox-api';
import { contactLabel, STATE_LABELS, statusText, windowIsOpen, windowText } from './inbox-format';

type Entry = { kind: 'message'; at: string; message: ThreadMessage } | { kind: 'note'; at: string; note: ConversationNote };

/** Messages and notes in time order (notes sit where they were written). */
function entriesOf(c: ConversationDetail): Entry[] {
  const all: Entry[] = [...c.messages.map((m): Entry => ({ kind: 'message', at: m.at, message: m })), ...c.notes.map((n): Entry => ({ kind: 'note', at: n.created_at, note: n }))];
  return all.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
}

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : err instanceof Error ? err.message : String(err));
const time = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });

/** One conversation: the thread as chat bubbles with notes in between, the window, actions, the reply box and a note box. */
export function InboxThread({
  conversation: c,
  meId,
  agents,
  teams,
  replying,
  cannedVersion,
  now,
  onChanged,
  onUpdated,
  onBack,
  onContact,
}: {
  conversation: ConversationDetail;
  meId: string | null;
  /** Users who may answer, for names and the "Assign to" list. */
  agents: Routing['agents'];
  /** The workspace's teams, for the "Assign to team" list and the team's name. */
  teams: InboxTeam[];
  /** Who else is replying here now, if anyone. */
  replying: string | undefined;
  /** Bumped when canned replies change, so the picker reads them again. */
  cannedVersion: number;
  now: number;
  onChanged: () => void;
  onUpdated: (c: ConversationDetail) => void;
  onBack: () => void;
  onContact: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [note, setNote] = useState('');
  const end = useRef<HTMLDivElement>(null);
  const open = windowIsOpen(c.window, now);
  const count = c.messages.length + c.notes.length;

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [count]);

  async function act(run: () => Promise<ConversationDetail>, after?: () => void) {
    setBusy(true);
    setError(undefined);
    try {
      onUpdated(await run());
      after?.();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  function addNote(e: FormEvent) {
    e.preventDefault();
    if (!note.trim()) return;
    void act(
      () => addConversationNote(c.id, note.trim()),
      () => setNote(''),
    );
  }

  const nameOf = (id: string) => {
    const a = agents.find((x) => x.user_id === id);
    return a ? a.name || a.email : `user ${id.slice(0, 8)}`;
  };
  const assignee = c.assignee_id === null ? 'Unassigned' : c.assignee_id === meId ? 'Assigned to you' : `Assigned to ${nameOf(c.assignee_id)}`;
  return (
    <article className="inbox-thread card" aria-labelledby="thread-title" data-testid="thread">
      <header className="inbox-thread-head">
        <button type="button" className="secondary inbox-back" onClick={onBack}>
          ← Back
        </button>
        <div className="inbox-thread-who">
          <h3 id="thread-title">{contactLabel(c.contact)}</h3>
          <span className="muted small">
            {c.contact.name && c.contact.phone ? `${c.contact.phone} · ` : ''}
            <span className={`badge cstate-${c.state}`} data-testid="thread-state">
              {STATE_LABELS[c.state]}
            </span>{' '}
            <span data-testid="thread-assignee">{assignee}</span>
            {c.team_id && <span data-testid="thread-team">{` · Team ${teams.find((t) => t.id === c.team_id)?.name ?? c.team_id.slice(0, 8)}`}</span>}
          </span>
        </div>
        <button type="button" className="secondary inbox-contact-toggle" onClick={onContact}>
          Contact
        </button>
      </header>
      <div className="row inbox-actions">
        {meId && c.assignee_id !== meId && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => assignConversation(c.id, meId))}>
            Assign to me
          </button>
        )}
        {c.assignee_id !== null && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => assignConversation(c.id, null))}>
            Unassign
          </button>
        )}
        {agents.length > 0 && (
          <select aria-label="Assign to" value="" disabled={busy} onChange={(e) => e.target.value && void act(() => assignConversation(c.id, e.target.value))}>
            <option value="">Assign to…</option>
            {agents
              .filter((a) => a.user_id !== c.assignee_id)
              .map((a) => (
                <option key={a.user_id} value={a.user_id}>
                  {`${a.name || a.email}${a.available ? '' : ' (away)'}`}
                </option>
              ))}
          </select>
        )}
        {teams.length > 0 && (
          <select aria-label="Assign to team" value="" disabled={busy} onChange={(e) => e.target.value && void act(() => assignConversationTeam(c.id, e.target.value === 'none' ? null : e.target.value))}>
            <option value="">Assign to team…</option>
            {teams
              .filter((t) => t.id !== c.team_id)
              .map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            {c.team_id && <option value="none">No team</option>}
          </select>
        )}
        {c.state !== 'pending' && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => setConversationState(c.id, 'pending'))}>
            Waiting on customer
          </button>
        )}
        {c.state === 'closed' ? (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => setConversationState(c.id, 'open'))}>
            Reopen
          </button>
        ) : (
          <button type="button" className="secondary" disabled={busy} onClick={() => void act(() => setConversationState(c.id, 'closed'))}>
            Close
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ol className="inbox-messages plain" aria-label="Messages and notes">
        {entriesOf(c).map((e) =>
          e.kind === 'message' ? (
            <li key={`m-${e.message.id}`} className={`inbox-msg ${e.message.direction === 'in' ? 'in' : 'out'}`} data-testid="message">
              <div className="inbox-bubble">
                {e.message.direction !== 'in' && e.message.source !== 'person' && (
                  <span className="inbox-source" data-testid="message-source">
                    {e.message.source.replace('_', '-')}
                  </span>
                )}
                <span className="inbox-body prewrap" data-testid="message-body">
                  {e.message.body ?? `[${e.message.type}]`}
                </span>
                <span className="inbox-meta">
                  {time(e.message.at)}
                  {e.message.direction !== 'in' && (
                    <span className={`inbox-status mstatus-${e.message.status}`} data-testid="message-status">
                      {' · '}
                      {statusText(e.message.status)}
                    </span>
                  )}
                </span>
              </div>
            </li>
          ) : (
            <li key={`n-${e.note.id}`} className="inbox-note" data-testid="note">
              <span className="inbox-source">Internal note{e.note.author_id ? (e.note.author_id === meId ? ' · you' : ` · user ${e.note.author_id.slice(0, 8)}`) : ''}</span>
              <span className="prewrap" data-testid="note-text">
                {e.note.text}
              </span>
              <span className="inbox-meta">{time(e.note.created_at)}</span>
            </li>
          ),
        )}
        {count === 0 && <li className="muted">No messages yet.</li>}
      </ol>
      <div ref={end} />
      {replying && (
        <p className="inbox-replying" role="status" data-testid="typing-warning">
          {replying} is replying…
        </p>
      )}
      <p className={`inbox-window ${open ? 'open' : 'closed'}`} data-testid="window">
        {windowText(c.window, now)}
      </p>
      <InboxComposer key={c.id} conversationId={c.id} windowOpen={open} cannedVersion={cannedVersion} onSent={onChanged} />
      <form className="inbox-note-form" onSubmit={addNote}>
        <textarea aria-label="Internal note" rows={2} value={note} placeholder="Add an internal note (never sent to the person)…" onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="secondary" disabled={busy || !note.trim()}>
          Add note
        </button>
      </form>
    </article>
  );
}
