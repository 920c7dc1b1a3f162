// The templates module: WhatsApp message templates and their approval state.
export { applyTemplateStatus, applyTemplateQuality } from './templates.service.js';
export type { TemplateStatusChange } from './templates.service.js';
