import type { AutomationTrigger } from './automations-api';
import { listBroadcasts } from './broadcasts-api';
import { useResource } from './use-resource';

type UnreadTrigger = Extract<AutomationTrigger, { type: 'broadcast_not_read' }>;

/** An unread-broadcast start: after how many days, and one broadcast or every broadcast on the automation's topic. */
export function AutomationUnreadTriggerFields({ trigger, topic, onChange }: { trigger: UnreadTrigger; topic: string; onChange: (t: UnreadTrigger) => void }) {
  const broadcasts = useResource(() => listBroadcasts(undefined, 100));
  const list = broadcasts.data?.data ?? [];
  function setBroadcast(id: string) {
    const { broadcast_id: _old, ...rest } = trigger;
    onChange(id ? { ...rest, broadcast_id: id } : rest);
  }
  return (
    <>
      <div className="row">
        <div className="field narrow">
          <label htmlFor="automation-unread-days">Days after</label>
          <input id="automation-unread-days" type="number" min={1} max={60} value={trigger.days} onChange={(e) => onChange({ ...trigger, days: Math.min(60, Math.max(1, Math.trunc(Number(e.target.value) || 1))) })} />
        </div>
        <div className="field">
          <label htmlFor="automation-unread-broadcast">Broadcast</label>
          <select id="automation-unread-broadcast" value={trigger.broadcast_id ?? ''} onChange={(e) => setBroadcast(e.target.value)}>
            <option value="">{topic ? `Every broadcast on “${topic}”` : 'Every broadcast on the topic'}</option>
            {trigger.broadcast_id && !list.some((b) => b.id === trigger.broadcast_id) && <option value={trigger.broadcast_id}>{broadcasts.data ? 'a broadcast not in the latest 100' : 'Loading…'}</option>}
            {list.map((b) => (
              <option key={b.id} value={b.id}>{`${b.name} · ${b.topic ?? 'no topic'}`}</option>
            ))}
          </select>
        </div>
      </div>
      {broadcasts.error && <p className="error small">{broadcasts.error}</p>}
      <p className="muted small">Starts for each person who got the broadcast and neither read it nor replied in that many days: a gentle follow-up.</p>
    </>
  );
}
