// Live inbox updates for browsers: one LISTEN per API process (on the channel the conversations
// module NOTIFYs), fanned out to the Server-Sent Events streams of that workspace's users.
import type { Logger } from 'pino';

/** What the SSE route needs: a subscription per workspace. */
export interface InboxEvents {
  /** Calls `send` with the changed conversation ids (null: reload the list) until the returned function is called. */
  subscribe(workspaceId: string, send: (ids: string[] | null) => void): Promise<() => void>;
  close(): Promise<void>;
}

/** A hub over `listen` (Database.listen): the LISTEN starts with the first subscriber and is shared by all. */
export function createInboxEvents(listen: (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>, channel: string, log: Logger): InboxEvents {
  const byWorkspace = new Map<string, Set<(ids: string[] | null) => void>>();
  let stop: Promise<() => Promise<void>> | undefined;
  const deliver = (payload: string) => {
    try {
      const { workspace_id, ids } = JSON.parse(payload) as { workspace_id: string; ids: string[] | null };
      for (const send of byWorkspace.get(workspace_id) ?? []) send(ids);
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
