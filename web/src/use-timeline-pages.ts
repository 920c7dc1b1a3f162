// The contact timeline, page by page: each kind of history is a keyset-paged list in the API
// (messages, customer events, lifecycle transitions, automation runs); the consent ledger comes in
// whole with the proof panel. Merged newest first, an entry is shown only once every list that has
// more pages has been read past it, so an older page can never slot in above what is on screen.
import { useEffect, useState } from 'react';
import type { ConsentEvent, Contact, Page } from './api-client';
import { listContactCustomerEvents, listContactMessages, listContactRuns, listContactTransitions } from './contacts-api';
import { timelineOf, type TimelineItem } from './contact-timeline-items';

/** Entries read per list and shown per "Show older". */
export const TIMELINE_PAGE = 20;

type SourceId = 'messages' | 'events' | 'transitions' | 'runs';

/** One paged list: what was read, the time of its oldest record, and the cursor of the next page (null: no more). */
interface SourceState {
  items: TimelineItem[];
  oldest?: string;
  next: string | null;
  error?: string;
}

type Sources = Record<SourceId, SourceState>;

/** Reads one page of one list and maps it to timeline entries. */
async function readPage(contactId: string, id: SourceId, cursor: string | undefined): Promise<SourceState> {
  const last = <T,>(p: Page<T>) => p.data[p.data.length - 1];
  switch (id) {
    case 'messages': {
      const p = await listContactMessages(contactId, TIMELINE_PAGE, cursor);
      return { items: timelineOf({ messages: p.data }), oldest: last(p)?.created_at, next: p.next_cursor };
    }
    case 'events': {
      const p = await listContactCustomerEvents(contactId, TIMELINE_PAGE, cursor);
      return { items: timelineOf({ events: p.data }), oldest: last(p)?.occurred_at, next: p.next_cursor };
    }
    case 'transitions': {
      const p = await listContactTransitions(contactId, TIMELINE_PAGE, cursor);
      return { items: timelineOf({ transitions: p.data }), oldest: last(p)?.at, next: p.next_cursor };
    }
    case 'runs': {
      const p = await listContactRuns(contactId, TIMELINE_PAGE, cursor);
      return { items: timelineOf({ runs: p.data }), oldest: last(p)?.enrolled_at, next: p.next_cursor };
    }
  }
}

/** The next page of `id` appended to what was read; a failure keeps what was read and stops that list. */
async function readMore(contactId: string, id: SourceId, s: SourceState | undefined): Promise<SourceState> {
  try {
    const page = await readPage(contactId, id, s?.next ?? undefined);
    return { items: [...(s?.items ?? []), ...page.items], oldest: page.oldest ?? s?.oldest, next: page.next };
  } catch (err) {
    return { items: s?.items ?? [], oldest: s?.oldest, next: null, error: err instanceof Error ? err.message : String(err) };
  }
}

const IDS: SourceId[] = ['messages', 'events', 'transitions', 'runs'];

/** The time down to which every list has been read: the newest "oldest read" among lists with more pages. */
function frontierOf(sources: Sources): number | undefined {
  const times = IDS.map((id) => sources[id]).filter((s) => s.next !== null && s.oldest).map((s) => Date.parse(s.oldest!));
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** The entries that may be shown: every list's, merged newest first, none older than the frontier. */
function visibleOf(sources: Sources, consent: ConsentEvent[] | undefined): TimelineItem[] {
  const frontier = frontierOf(sources);
  const all = [...IDS.flatMap((id) => sources[id].items), ...timelineOf({ consent })];
  all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.key.localeCompare(b.key));
  return frontier === undefined ? all : all.filter((it) => Date.parse(it.at) >= frontier);
}

/** Reads the lists that hold the frontier back until `want` more entries are visible or nothing is left. */
async function readOlder(contactId: string, sources: Sources, consent: ConsentEvent[] | undefined, want: number): Promise<Sources> {
  let s = sources;
  const target = visibleOf(s, consent).length + want;
  // Bounded: each round moves the frontier back by at least one page, but a list must not spin forever.
  for (let round = 0; round < 50 && visibleOf(s, consent).length < target; round++) {
    const frontier = frontierOf(s);
    if (frontier === undefined) break;
    const holding = IDS.filter((id) => s[id].next !== null && s[id].oldest && Date.parse(s[id].oldest!) === frontier);
    const read = await Promise.all(holding.map((id) => readMore(contactId, id, s[id])));
    s = { ...s, ...Object.fromEntries(holding.map((id, i) => [id, read[i]!])) };
  }
  return s;
}

/** What the timeline shows: the visible entries, whether older ones exist, and the lists that failed. */
export interface TimelinePages {
  items: TimelineItem[];
  loading: boolean;
  hasOlder: boolean;
  failed: string[];
  showOlder: () => void;
}

/** The contact's timeline, first page on open and one more page per `showOlder()`. */
export function useTimelinePages(contact: Contact, consent: ConsentEvent[] | undefined): TimelinePages {
  const [sources, setSources] = useState<Sources>();
  const [shown, setShown] = useState(TIMELINE_PAGE);
  const [loading, setLoading] = useState(true);
  const reloadKey = `${contact.id}:${contact.updated_at}`;
  useEffect(() => {
    let current = true;
    setLoading(true);
    setShown(TIMELINE_PAGE);
    void Promise.all(IDS.map((id) => readMore(contact.id, id, undefined))).then((read) => {
      if (!current) return;
      setSources(Object.fromEntries(IDS.map((id, i) => [id, read[i]!])) as Sources);
      setLoading(false);
    });
    return () => {
      current = false;
    };
    // Reloaded when the contact changes (an edit bumps updated_at), not on every render.
  }, [reloadKey]);
  const visible = sources ? visibleOf(sources, consent) : [];
  const more = sources ? IDS.some((id) => sources[id].next !== null) : false;

  function showOlder() {
    if (!sources) return;
    if (visible.length >= shown + TIMELINE_PAGE || !more) {
      setShown((n) => n + TIMELINE_PAGE);
      return;
    }
    setLoading(true);
    void readOlder(contact.id, sources, consent, shown + TIMELINE_PAGE - visible.length).then((s) => {
      setSources(s);
      setShown((n) => n + TIMELINE_PAGE);
      setLoading(false);
    });
  }

  return {
    items: visible.slice(0, shown),
    loading,
    hasOlder: visible.length > shown || more,
    failed: sources ? IDS.map((id) => sources[id].error).filter((e): e is string => e !== undefined) : [],
    showOlder,
  };
}
