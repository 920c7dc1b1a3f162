// What the signed-in user may do, from GET /auth/me's `permissions` (the server's own role map):
// controls whose request would answer 403 are not shown. One provider at the top of the dashboard.
import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from './api-client';

/** A permission as the API names it (e.g. 'contacts:write'). */
export type Permission = Me['permissions'][number];

const PermissionsContext = createContext<readonly Permission[]>([]);

/** Gives the components below the signed-in user's permissions. */
export function PermissionsProvider({ permissions, children }: { permissions: readonly Permission[]; children: ReactNode }) {
  return <PermissionsContext.Provider value={permissions}>{children}</PermissionsContext.Provider>;
}

/** True when the signed-in user may do `permission`. */
export function useCan(permission: Permission): boolean {
  return useContext(PermissionsContext).includes(permission);
}
