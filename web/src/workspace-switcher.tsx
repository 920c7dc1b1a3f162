import { useState } from 'react';
import { listLinkedWorkspaces, switchWorkspace } from './api-client';
import { useResource } from './use-resource';

// The app reloads from scratch in the other workspace: every tab's data, permissions and hash state
// belong to the workspace they were loaded in.
function reloadApp(): void {
  window.history.replaceState(null, '', window.location.pathname);
  window.location.reload();
}

/** A menu of the other workspaces this login proved a password for; shown only when there is more than one. */
export function WorkspaceSwitcher() {
  const linked = useResource(listLinkedWorkspaces);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const list = linked.data?.data ?? [];
  if (list.length < 2) return null;
  const current = list.find((w) => w.current);

  async function switchTo(workspaceId: string) {
    if (!workspaceId || workspaceId === current?.workspace_id) return;
    setBusy(true);
    setError(undefined);
    try {
      await switchWorkspace(workspaceId);
      reloadApp();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
      linked.reload();
    }
  }

  return (
    <span className="workspace-switcher">
      <label htmlFor="workspace-switch" className="visually-hidden">
        Switch workspace
      </label>
      <select id="workspace-switch" value={current?.workspace_id ?? ''} disabled={busy} aria-invalid={error ? true : undefined} aria-describedby={error ? 'workspace-switch-error' : undefined} onChange={(e) => void switchTo(e.target.value)}>
        {list.map((w) => (
          <option key={w.workspace_id} value={w.workspace_id}>
            {w.name} ({w.role})
          </option>
        ))}
      </select>
      {error && (
        <span id="workspace-switch-error" className="error field-error" role="alert" data-field="workspace_id">
          {error}
        </span>
      )}
    </span>
  );
}
