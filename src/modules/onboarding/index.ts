// The onboarding module: the facts the admin app's getting-started checklist ticks its steps from.
// It owns no table: each fact is its owner's SQL fragment, read together in one statement.
export { getOnboardingFacts } from './onboarding.service.js';
export { onboardingOut } from './onboarding.schemas.js';
export type { OnboardingOut } from './onboarding.schemas.js';
