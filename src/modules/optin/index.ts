// The opt-in module: sources (hosted forms, click-to-chat links, QR codes), double opt-in and welcomes.
export { applyOptinKeyword } from './optin-keyword.service.js';
export type { InboundKeywordContext } from './optin-keyword.service.js';
