import { useEffect, useState } from 'react';
import { renderCannedReplies, type RenderedCanned } from './inbox-api';

/** A list of the workspace's canned replies, filled in for this conversation; choosing one hands its text to `onPick`. */
export function CannedPicker({ conversationId, version, onPick }: { conversationId: string; version: number; onPick: (text: string) => void }) {
  const [replies, setReplies] = useState<RenderedCanned[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let current = true;
    renderCannedReplies(conversationId).then(
      (r) => current && setReplies(r.data),
      (err: unknown) => current && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      current = false;
    };
  }, [conversationId, version]);
  if (error) return <span className="error small">{error}</span>;
  if (!replies || replies.length === 0) return null;
  return (
    <select
      aria-label="Insert a canned reply"
      className="inbox-canned"
      value=""
      onChange={(e) => {
        const picked = replies.find((r) => r.id === e.target.value);
        if (picked) onPick(picked.rendered);
      }}
    >
      <option value="">Canned reply…</option>
      {replies.map((r) => (
        <option key={r.id} value={r.id} title={r.rendered}>
          {`/${r.shortcut} — ${r.rendered.length > 50 ? `${r.rendered.slice(0, 49)}…` : r.rendered}`}
        </option>
      ))}
    </select>
  );
}
