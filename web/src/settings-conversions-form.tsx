import { useState } from 'react';
import type { Workspace } from './api-client';
import { useCan } from './permissions';
import { patchWorkspace, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

/** The conversion window (days after a broadcast in which a purchase is credited to it) and the goal events. */
export function ConversionsForm({ workspace, onSaved }: { workspace: Workspace; onSaved: () => void }) {
  const canEdit = useCan('workspace:manage');
  const stored = (workspace.settings as WorkspaceSettings).conversions ?? null;
  const [days, setDays] = useState(String(stored?.window_days ?? 7));
  const [types, setTypes] = useState((stored?.event_types ?? ['purchase']).join(', '));
  const state = useSave(async () => {
    // Sent as typed (a number when it is one): the API checks the range and names the field.
    const windowDays = days.trim() === '' ? undefined : Number(days);
    const eventTypes = types.split(',').map((t) => t.trim()).filter(Boolean);
    await patchWorkspace({ settings: { conversions: { ...(windowDays === undefined ? {} : { window_days: windowDays }), ...(eventTypes.length > 0 ? { event_types: eventTypes } : {}) } } });
    onSaved();
  });
  return (
    <SettingsCard
      title="Conversions"
      description="A purchase (or another goal event) within this many days after a broadcast message is credited to the last broadcast the person got, with its revenue."
      canEdit={canEdit}
      state={state}
      claimed={['settings.conversions']}
    >
      <SettingInput id="set-conversion-days" label="Attribution window (days, 1–30)" field="settings.conversions.window_days" errors={state.errors} value={days} onChange={setDays} type="number" step="1" narrow />
      <SettingInput id="set-conversion-types" label="Goal event types (comma-separated)" field="settings.conversions.event_types" errors={state.errors} value={types} onChange={setTypes} placeholder="purchase" hint="Event types sent to POST /api/v1/events or by a connected shop." />
    </SettingsCard>
  );
}
