import { getWorkspace } from './api-client';
import { useResource } from './use-resource';

/** The workspace's time zone setting, else UTC (as the reports and quiet hours use it). */
export function zoneOfSettings(settings: Record<string, unknown> | undefined): string {
  const tz = settings?.timezone;
  return typeof tz === 'string' && tz ? tz : 'UTC';
}

/** The workspace's time zone, loaded once per mount (undefined until it is known). */
export function useWorkspaceZone(): string | undefined {
  const workspace = useResource(getWorkspace);
  if (workspace.data) return zoneOfSettings(workspace.data.settings);
  return workspace.error ? 'UTC' : undefined;
}
