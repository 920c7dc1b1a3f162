// The admin preview of a hosted sign-up page: what it shows now, draft or live.
import { AppError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { workspaceRowById } from '../sql.js';
import { hostedFormOf, type HostedForm } from './optin-form.service.js';
import { numberOfSource } from './optin-lookup.js';
import { missingFormFields } from './optin.rules.js';
import type { OptinStatus, PageData } from './optin.schemas.js';
import { optinSources } from './optin.tables.js';

/** What a form's page would show now, its status, and what publishing it still needs. */
export interface FormPreview {
  form: HostedForm;
  status: OptinStatus;
  missing: string[];
}

/**
 * A form of the workspace as its page would show it now, whatever its status, with what stops it
 * from being published. Only the signed-in workspace reads it: drafts are never served publicly.
 */
export async function previewOptinForm(ctx: Ctx, id: string): Promise<FormPreview> {
  const row = await workspaceRowById(ctx, optinSources, id, 'opt-in source');
  if (row.kind !== 'form') throw new AppError('VALIDATION_FAILED', 'only sources of kind "form" have a hosted sign-up page to preview', { fields: [{ field: 'kind', message: 'not a form' }] });
  const number = await numberOfSource(ctx.db, row);
  const usable = number && number.digits.length >= 7 ? number : undefined;
  const form = await hostedFormOf(ctx.db, row, usable ?? { id: '', digits: '', verifiedName: null });
  const page = (row.page ?? {}) as PageData;
  const missing = missingFormFields({ businessName: page.business_name, topics: form.topics, frequency: page.frequency, howToStop: page.how_to_stop, privacyUrl: page.privacy_url });
  if (!usable) missing.push('number_id');
  return { form, status: row.status as OptinStatus, missing };
}
