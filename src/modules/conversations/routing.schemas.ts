import { z } from 'zod';

/** Turning round-robin on or off for the workspace. */
export const routingIn = z.strictObject({ round_robin: z.boolean().describe('hand each new conversation to the available agent whose turn it is') });
/** An agent's availability. */
export const availabilityIn = z.strictObject({ available: z.boolean().describe('takes new conversations when round-robin is on') });

/** One user as the inbox routes to them. */
export const inboxAgentOut = z.object({ user_id: z.string(), email: z.string(), name: z.string(), role: z.string(), available: z.boolean() });
export type InboxAgentOut = z.infer<typeof inboxAgentOut>;

/** The workspace's routing: round-robin on or off, and who is available. */
export const routingOut = z.object({ round_robin: z.boolean(), agents: z.array(inboxAgentOut).describe('users who may answer conversations (not viewers, not disabled)') });
export type RoutingOut = z.infer<typeof routingOut>;
