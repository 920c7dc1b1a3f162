import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, type Me } from './api-client';
import { getConversation, getRouting, listInboxTeams, markConversationRead, type ConversationDetail, type ConversationFilter, type InboxTeam, type Routing } from './inbox-api';
import { InboxCannedManager } from './inbox-canned-manager';
import { InboxContactPanel } from './inbox-contact-panel';
import { InboxFigures } from './inbox-figures';
import { InboxList } from './inbox-list';
import { coalesce, useConversationEvents, useNow, type TypingSignal } from './inbox-live';
import { InboxRoutingBar } from './inbox-routing-bar';
import { InboxTeamsManager } from './inbox-teams-manager';
import { InboxThread } from './inbox-thread';
import { useConversations } from './inbox-use-conversations';
import { useTypingWarnings } from './inbox-use-typing';
import './inbox-styles.css';

const FILTERS: { id: ConversationFilter; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'open', label: 'Open' },
  { id: 'pending', label: 'Waiting on customer' },
  { id: 'closed', label: 'Closed' },
  { id: 'window_closing', label: 'Window closing' },
];

/** Statuses a sent message may still move on from (to delivered, read or failed). */
const UNSETTLED = new Set(['pending', 'queued', 'accepted', 'sent']);
/** While the live stream is down, how long after a message is sent its ticks are followed, and how often (live, status events arrive over the stream). */
const SETTLE_WINDOW_MS = 120_000;
const SETTLE_POLL_MS = 2_000;

/** Which pane a phone-sized screen shows (wider screens show all three). */
type Pane = 'list' | 'thread' | 'contact';

/** The shared inbox: filter chips, search, the conversation list, the open thread (`openConversationId` first, when another tab asked) and its contact, kept up to date live. */
export function InboxSection({ me, openConversationId }: { me: Me; openConversationId?: string }) {
  const [view, setView] = useState<'conversations' | 'agents'>('conversations');
  const [filter, setFilter] = useState<ConversationFilter>('all');
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [team, setTeam] = useState('');
  const list = useConversations(filter, q, team);
  const [openId, setOpenId] = useState<string | undefined>(openConversationId);
  const [pane, setPane] = useState<Pane>(openConversationId ? 'thread' : 'list');
  const [thread, setThread] = useState<ConversationDetail>();
  const [threadError, setThreadError] = useState<string>();
  const [routing, setRouting] = useState<Routing>();
  const [routingError, setRoutingError] = useState<string>();
  const [showCanned, setShowCanned] = useState(false);
  const [cannedVersion, setCannedVersion] = useState(0);
  const [teams, setTeams] = useState<InboxTeam[]>([]);
  const [showTeams, setShowTeams] = useState(false);
  const typing = useTypingWarnings(me.actor.id);
  const now = useNow();
  const openRef = useRef(openId);
  openRef.current = openId;
  const marking = useRef<string>(undefined);

  const loadTeams = useCallback(() => {
    listInboxTeams().then((r) => setTeams(r.data), (err: unknown) => setRoutingError(err instanceof Error ? err.message : String(err)));
  }, []);
  useEffect(() => {
    getRouting().then(setRouting, (err: unknown) => setRoutingError(err instanceof Error ? err.message : String(err)));
    loadTeams();
  }, [loadTeams]);

  // The open conversation, one load at a time (live updates come in bursts); an answer for a conversation no longer open is dropped.
  const reloadOpen = useMemo(
    () =>
      coalesce(async () => {
        const id = openRef.current;
        if (!id) return;
        await getConversation(id).then(
          (c) => {
            if (openRef.current !== id) return;
            setThread(c);
            setThreadError(undefined);
          },
          (err: unknown) => {
            if (openRef.current !== id) return;
            // An agent sees only their own and unassigned conversations: one assigned to someone else is gone from view.
            if (err instanceof ApiError && err.status === 404) {
              setThread(undefined);
              setThreadError('This conversation was assigned to another agent (or deleted): it is no longer in your inbox.');
            } else setThreadError(err instanceof Error ? err.message : String(err));
          },
        );
      }),
    [],
  );
  const loadThread = useCallback(
    (id: string) => {
      if (openRef.current === id) reloadOpen();
    },
    [reloadOpen],
  );

  useEffect(() => {
    setThread(undefined);
    setThreadError(undefined);
    if (openId) loadThread(openId);
  }, [openId, loadThread]);

  // Opening a conversation (or a new message arriving while it is open) marks it read.
  useEffect(() => {
    if (!thread || thread.unread === 0 || marking.current === thread.id) return;
    const id = thread.id;
    marking.current = id;
    markConversationRead(id)
      .then((c) => {
        if (openRef.current === id) setThread(c);
        list.refresh();
      })
      .catch((err: unknown) => openRef.current === id && setThreadError(err instanceof Error ? err.message : String(err)))
      .finally(() => {
        marking.current = undefined;
      });
  }, [thread, list.refresh]);

  const live = useConversationEvents(
    (ids) => {
      list.refresh();
      const id = openRef.current;
      if (id && (ids === null || ids.includes(id))) loadThread(id);
    },
    (t: TypingSignal) => typing.heard(t),
  );

  // Delivery ticks come over the live stream; while it is down, a thread with a fresh message still on its way is read again shortly.
  useEffect(() => {
    if (!thread || live === 'live') return;
    const settling = thread.messages.some((m) => m.direction !== 'in' && UNSETTLED.has(m.status) && Date.now() - new Date(m.at).getTime() < SETTLE_WINDOW_MS);
    if (!settling) return;
    const id = thread.id;
    const t = setTimeout(() => openRef.current === id && loadThread(id), SETTLE_POLL_MS);
    return () => clearTimeout(t);
  }, [thread, loadThread, live]);

  function applySearch(e: FormEvent) {
    e.preventDefault();
    setQ(search.trim());
  }

  const open = (id: string | undefined) => {
    setOpenId(id);
    setPane(id ? 'thread' : 'list');
  };
  const updated = (c: ConversationDetail) => {
    if (openRef.current === c.id) setThread(c);
    list.refresh();
  };

  return (
    <section aria-labelledby="inbox-title" className={`inbox pane-${openId ? pane : 'list'}`}>
      <div className="section-head">
        <h2 id="inbox-title">Inbox</h2>
        <span className="muted small" data-testid="live-mode">
          {live === 'live' ? 'Live' : live === 'polling' ? 'Updating every 3 s' : 'Connecting…'}
        </span>
        <div className="inbox-chips" role="group" aria-label="View">
          <button type="button" className="chip" aria-pressed={view === 'conversations'} onClick={() => setView('conversations')}>
            Conversations
          </button>
          <button type="button" className="chip" aria-pressed={view === 'agents'} onClick={() => setView('agents')}>
            Agents
          </button>
        </div>
      </div>
      {view === 'agents' && <InboxFigures />}
      {view === 'conversations' && <InboxRoutingBar me={me} routing={routing} onRouting={setRouting} onError={setRoutingError} onCanned={() => setShowCanned((s) => !s)} onTeams={() => setShowTeams((s) => !s)} />}
      {routingError && (
        <p className="error" role="alert">
          {routingError}
        </p>
      )}
      {showCanned && view === 'conversations' && <InboxCannedManager onClose={() => setShowCanned(false)} onChanged={() => setCannedVersion((v) => v + 1)} />}
      {showTeams && view === 'conversations' && <InboxTeamsManager teams={teams} agents={routing?.agents ?? []} onClose={() => setShowTeams(false)} onChanged={loadTeams} />}
      <div className="inbox-layout" hidden={view === 'agents'}>
        <div className="inbox-side">
          <div className="inbox-chips" role="group" aria-label="Filter">
            {FILTERS.map((f) => (
              <button key={f.id} type="button" className="chip" aria-pressed={filter === f.id} onClick={() => setFilter(f.id)}>
                {f.label}
              </button>
            ))}
            {teams.length > 0 && (
              <select aria-label="Team filter" className="inbox-team-filter" value={team} onChange={(e) => setTeam(e.target.value)}>
                <option value="">All teams</option>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </div>
          <form className="inbox-search" role="search" onSubmit={applySearch}>
            <input type="search" aria-label="Search conversations" placeholder="Name, phone, tag or words" value={search} onChange={(e) => setSearch(e.target.value)} />
            <button type="submit" className="secondary">
              Search
            </button>
          </form>
          {list.error && (
            <p className="error" role="alert">
              {list.error}
            </p>
          )}
          {list.loaded && list.rows.length === 0 && !list.error && <p className="muted">{q || filter !== 'all' || team ? 'No conversation matches.' : 'No conversations yet: they start when someone writes to your number.'}</p>}
          <InboxList rows={list.rows} selectedId={openId} now={now} onOpen={open} />
          {list.hasMore && (
            <p>
              <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
                {list.loading ? 'Loading…' : 'Load more'}
              </button>
            </p>
          )}
        </div>
        <div className="inbox-main">
          {threadError && (
            <p className="error" role="alert">
              {threadError}
            </p>
          )}
          {openId && !thread && !threadError && <p className="muted">Loading…</p>}
          {openId && thread && (
            <InboxThread
              conversation={thread}
              meId={me.actor.id}
              agents={routing?.agents ?? []}
              teams={teams}
              replying={typing.replyingIn(thread.id)}
              cannedVersion={cannedVersion}
              now={now}
              onChanged={() => loadThread(openId)}
              onUpdated={updated}
              onBack={() => open(undefined)}
              onContact={() => setPane('contact')}
            />
          )}
          {!openId && list.rows.length > 0 && <p className="muted inbox-pick">Select a conversation to read and answer it.</p>}
        </div>
        <div className="inbox-aside">{openId && thread && <InboxContactPanel contactId={thread.contact.id} onBack={() => setPane('thread')} />}</div>
      </div>
    </section>
  );
}
