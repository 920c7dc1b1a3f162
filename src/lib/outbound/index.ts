// Outbound requests to URLs the server did not write itself: one guard for the Cloud API client,
// media links and outbound webhooks (see docs/design.md, "Outbound requests").
export { createOutboundFetch, OutboundError } from './outbound-fetch.js';
export type { OutboundFetch, OutboundPolicy, OutboundRequest } from './outbound-fetch.js';
export { apiBaseUrlProblem, parseAllowedOrigins, isAllowedOrigin, isGraphOrigin, GRAPH_ORIGIN } from './origins.js';
export type { AllowedOrigin } from './origins.js';
export { isBlockedAddress } from './addresses.js';
