import { useCallback, useEffect, useState } from 'react';
import type { TypingSignal } from './inbox-live';

/** How long "is replying" shows after the last typing signal (agents re-announce every 10 s while typing). */
const SHOW_MS = 12_000;

type Seen = { name: string; until: number };

/** Other agents typing, per conversation, from the live stream; each warning fades after a while without a new signal. */
export function useTypingWarnings(meId: string | null): { heard: (t: TypingSignal) => void; replyingIn: (conversationId: string) => string | undefined } {
  const [seen, setSeen] = useState<Record<string, Seen>>({});
  const heard = useCallback(
    (t: TypingSignal) => {
      if (t.user_id !== null && t.user_id === meId) return;
      setSeen((s) => ({ ...s, [t.conversation_id]: { name: t.name || (t.user_id ? 'Another agent' : 'An API client'), until: Date.now() + SHOW_MS } }));
    },
    [meId],
  );
  // Drops warnings once they are older than SHOW_MS.
  useEffect(() => {
    const next = Math.min(...Object.values(seen).map((v) => v.until));
    if (!Number.isFinite(next)) return;
    const t = setTimeout(() => setSeen((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v.until > Date.now()))), Math.max(0, next - Date.now()) + 50);
    return () => clearTimeout(t);
  }, [seen]);
  const replyingIn = (conversationId: string) => seen[conversationId]?.name;
  return { heard, replyingIn };
}
