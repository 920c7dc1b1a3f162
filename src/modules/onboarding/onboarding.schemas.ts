import { z } from 'zod';

/** What the getting-started checklist needs to know, each a yes/no about the caller's workspace. */
export const onboardingOut = z
  .object({
    real_number: z.boolean().describe('A WhatsApp Cloud API number other than the bundled sandbox simulator’s is connected'),
    sandbox_number: z.boolean().describe('The bundled sandbox simulator’s number is connected (with no real one, "Keep the sandbox" is a real choice)'),
    topic: z.boolean().describe('At least one topic exists'),
    active_source: z.boolean().describe('At least one opt-in source is active (people can join through it)'),
    completed_import: z.boolean().describe('At least one import completed and was not a dry run'),
    template: z.boolean().describe('At least one template exists that is not DELETED, in any review state'),
    sent_broadcast: z.boolean().describe('At least one broadcast started sending (status sending, paused or completed)'),
  })
  .describe('The getting-started checklist’s facts. The "keep the sandbox" and "hidden" choices are the workspace setting `onboarding` (GET /api/v1/workspace).');
export type OnboardingOut = z.infer<typeof onboardingOut>;
