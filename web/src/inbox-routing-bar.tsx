import type { Me } from './api-client';
import { setAvailable, setRoundRobin, type Routing } from './inbox-api';

/** The inbox's team controls: my availability for new conversations, round-robin and teams (owners and admins), and the canned replies button. */
export function InboxRoutingBar(props: { me: Me; routing: Routing | undefined; onRouting: (r: Routing) => void; onError: (message: string) => void; onCanned: () => void; onTeams: () => void }) {
  const { me, routing, onRouting, onCanned, onTeams } = props;
  const failed = (err: unknown) => props.onError(err instanceof Error ? err.message : String(err));
  const mine = routing?.agents.find((a) => a.user_id === me.actor.id);
  const canManage = me.actor.role === 'owner' || me.actor.role === 'admin';
  return (
    <div className="row inbox-routing">
      {mine && (
        <label className="inline">
          <input type="checkbox" checked={mine.available} onChange={(e) => void setAvailable(mine.user_id, e.target.checked).then(onRouting, failed)} /> Available for new conversations
        </label>
      )}
      {canManage && routing && (
        <label className="inline">
          <input type="checkbox" checked={routing.round_robin} onChange={(e) => void setRoundRobin(e.target.checked).then(onRouting, failed)} /> Round-robin
        </label>
      )}
      <button type="button" className="secondary" onClick={onCanned}>
        Canned replies
      </button>
      {canManage && (
        <button type="button" className="secondary" onClick={onTeams}>
          Teams
        </button>
      )}
    </div>
  );
}
