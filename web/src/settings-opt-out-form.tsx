import { useState } from 'react';
import type { Workspace } from './api-client';
import { patchWorkspace, wordsOf, type OptOutSettings, type WorkspaceSettings } from './settings-api';
import { SettingInput, SettingsCard, useSave } from './settings-form-parts';

const P = 'settings.opt_out';
const CLAIMED = [`${P}.stop_keywords`, `${P}.disabled_stop_keywords`, `${P}.start_keywords`, `${P}.disabled_start_keywords`, `${P}.confirmation_text`, `${P}.start_confirmation_text`, `${P}.ask_reason`] as const;
const join = (l: string[] | undefined) => (l ?? []).join(', ');

/** STOP and START: extra words, built-in words to ignore, the confirmation texts and the "why are you leaving?" question. */
export function OptOutForm({ workspace, canEdit, onSaved }: { workspace: Workspace; canEdit: boolean; onSaved: () => void }) {
  const current: OptOutSettings = (workspace.settings as WorkspaceSettings).opt_out ?? {};
  const [stop, setStop] = useState(join(current.stop_keywords));
  const [noStop, setNoStop] = useState(join(current.disabled_stop_keywords));
  const [start, setStart] = useState(join(current.start_keywords));
  const [noStart, setNoStart] = useState(join(current.disabled_start_keywords));
  const [confirm, setConfirm] = useState(current.confirmation_text ?? '');
  const [startConfirm, setStartConfirm] = useState(current.start_confirmation_text ?? '');
  const [askReason, setAskReason] = useState(current.ask_reason === true);
  const state = useSave(async () => {
    const next: OptOutSettings = {
      ...current,
      stop_keywords: wordsOf(stop),
      disabled_stop_keywords: wordsOf(noStop),
      start_keywords: wordsOf(start),
      disabled_start_keywords: wordsOf(noStart),
      confirmation_text: confirm.trim() || undefined,
      start_confirmation_text: startConfirm.trim() || undefined,
      ask_reason: askReason,
    };
    await patchWorkspace({ settings: { opt_out: next } });
    onSaved();
  });
  const e = state.errors;
  return (
    <SettingsCard title="Opt-out" description="STOP always works. Confirmation texts may use {business} for the business name; leave one empty for the built-in text." canEdit={canEdit} state={state} claimed={CLAIMED}>
      <SettingInput id="set-stop" label="Extra STOP words (comma-separated)" field={`${P}.stop_keywords`} errors={e} value={stop} onChange={setStop} placeholder="QUIT, UNSUBSCRIBE ME" />
      <SettingInput id="set-no-stop" label="Built-in STOP words to ignore" field={`${P}.disabled_stop_keywords`} errors={e} value={noStop} onChange={setNoStop} placeholder="CANCEL" />
      <SettingInput id="set-start" label="Extra START words" field={`${P}.start_keywords`} errors={e} value={start} onChange={setStart} />
      <SettingInput id="set-no-start" label="Built-in START words to ignore" field={`${P}.disabled_start_keywords`} errors={e} value={noStart} onChange={setNoStart} />
      <SettingInput id="set-confirm" label="STOP confirmation text" field={`${P}.confirmation_text`} errors={e} value={confirm} onChange={setConfirm} placeholder="You won't get more messages from {business}. Reply START to come back." />
      <SettingInput id="set-start-confirm" label="START confirmation text" field={`${P}.start_confirmation_text`} errors={e} value={startConfirm} onChange={setStartConfirm} />
      <label className="choice">
        <input type="checkbox" checked={askReason} onChange={(ev) => setAskReason(ev.target.checked)} /> Ask &quot;why are you leaving?&quot; and keep the answer
      </label>
    </SettingsCard>
  );
}
