// Live inbox updates for browsers: one LISTEN per API process (on the channel the conversations
// module NOTIFYs), fanned out to the Server-Sent Events streams of that workspace's users.
import type { Logger } from 'pino';

/** Someone typing in a conversation (user_id null: an API key). */
export interface TypingEvent {
  conversation_id: string;
  user_id: string | null;
  name: string | null;
}

/** What a stream hears: conversations that changed (null: reload the list), or someone typing. */
export type InboxEvent = { kind: 'conversations'; ids: string[] | null } | { kind: 'typing'; typing: TypingEvent };

/** What the SSE route needs: a subscription per workspace. */
export interface InboxEvents {
  /** Calls `send` with each event of the workspace until the returned function is called. */
  subscribe(workspaceId: string, send: (event: InboxEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}

function eventOf(payload: string): { workspaceId: string; event: InboxEvent } {
  const p = JSON.parse(payload) as { workspace_id: string; ids?: string[] | null; typing?: TypingEvent };
  if (p.typing) return { workspaceId: p.workspace_id, event: { kind: 'typing', typing: { conversation_id: p.typing.conversation_id, user_id: p.typing.user_id, name: p.typing.name } } };
  return { workspaceId: p.workspace_id, event: { kind: 'conversations', ids: p.ids ?? null } };
}

/** A hub over `listen` (Database.listen): the LISTEN starts with the first subscriber and is shared by all. */
export function createInboxEvents(listen: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>, channel: string, log: Logger): InboxEvents {
  const byWorkspace = new Map<string, Set<(event: InboxEvent) => void>>();
  let stop: Promise<() => Promise<void>> | undefined;
  const deliver = (payload: string) => {
    try {
      const { workspaceId, event } = eventOf(payload);
      for (const send of byWorkspace.get(workspaceId) ?? []) send(event);
    } catch (err) {
      log.warn({ err }, 'unreadable inbox notification');
    }
  };
  return {
    async subscribe(workspaceId, send) {
      stop ??= listen(channel, deliver);
      await stop;
      const set = byWorkspace.get(workspaceId) ?? byWorkspace.set(workspaceId, new Set()).get(workspaceId)!;
      set.add(send);
      return () => {
        set.delete(send);
        if (set.size === 0) byWorkspace.delete(workspaceId);
      };
    },
    async close() {
      byWorkspace.clear();
      if (stop) await (await stop)();
    },
  };
}
