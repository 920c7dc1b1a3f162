import { z } from 'zod';

const userIds = z.array(z.uuid()).max(200).describe('the users in the team (users of this workspace who may answer conversations)');

/** Creating a team of agents. */
export const inboxTeamIn = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(80).describe('unique in the workspace (without case), e.g. "Returns"'),
  user_ids: userIds.default([]),
});
/** Renaming a team. */
export const inboxTeamPatch = z.strictObject({ name: inboxTeamIn.shape.name });
/** Replacing a team's members. */
export const inboxTeamMembersIn = z.strictObject({ user_ids: userIds });

/** A team with its members. */
export const inboxTeamOut = z.object({ id: z.string(), name: z.string(), user_ids: z.array(z.string()), created_at: z.string(), updated_at: z.string() });
export type InboxTeamOut = z.infer<typeof inboxTeamOut>;
