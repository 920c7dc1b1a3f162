// CSV imports and exports through the public API (/api/v1/imports, /api/v1/import-mappings).
import { csvBody, gl, unwrap } from './api-client';
import type { paths } from './api-schema.generated';
import type { ItemOf, QueryOf, ResponseOf } from './api-schema';

/** An import: status, counts, the first row errors. */
export type ImportRecord = ResponseOf<'/api/v1/imports/{id}', 'get'>;
/** What starting an import answers (it goes on in the background). */
export type ImportAccepted = paths['/api/v1/imports']['post']['responses'][202]['content']['application/json'];
/** A saved mapping or a built-in preset. */
export type SavedMapping = ItemOf<ResponseOf<'/api/v1/import-mappings', 'get'>>;
/** A file's encoding, delimiter, header and first rows, mapped when a mapping was given. */
export type ImportPreview = ResponseOf<'/api/v1/imports/preview', 'post'>;
/** One previewed row. */
export type PreviewRow = ImportPreview['rows'][number];
/** A field separator the importer reads. */
export type Delimiter = NonNullable<QueryOf<'/api/v1/imports/preview', 'post'>['delimiter']>;
/** What the consent attestation says (who vouches, the text people saw, where and when). */
export interface Attestation {
  attested_by: string;
  text: string;
  collected_where: string;
  collected_at: string;
  covers_whatsapp: boolean;
}

/** How much of a file the preview sends: its start is enough to show the header and first rows. */
export const PREVIEW_BYTES = 1024 * 1024;

/** The file's encoding, delimiter, header and first rows; with `mapping`, each row as it would be imported. */
export function previewImport(file: Blob, opts: { mapping?: Record<string, unknown>; rows?: number }): Promise<ImportPreview> {
  const partial = file.size > PREVIEW_BYTES;
  const q = { partial: partial ? ('true' as const) : undefined, rows: opts.rows ?? 10, mapping: opts.mapping ? JSON.stringify(opts.mapping) : undefined };
  return unwrap(gl.POST('/api/v1/imports/preview', { params: { query: q }, ...csvBody(partial ? file.slice(0, PREVIEW_BYTES) : file) }));
}

/** Uploads the whole file and starts an import (or a dry run, which writes nothing). */
export function startImport(file: File, opts: { mapping: Record<string, unknown>; attestation?: Attestation | undefined; dryRun: boolean }): Promise<ImportAccepted> {
  const q = { mapping: JSON.stringify(opts.mapping), attestation: opts.attestation ? JSON.stringify(opts.attestation) : undefined, dry_run: opts.dryRun ? ('true' as const) : undefined, filename: file.name.slice(0, 255) };
  return unwrap(gl.POST('/api/v1/imports', { params: { query: q }, ...csvBody(file) }));
}

/** One import (poll it while it runs). */
export const getImport = (id: string) => unwrap(gl.GET('/api/v1/imports/{id}', { params: { path: { id } } }));
/** The workspace's imports, newest first. */
export const listImports = (limit = 20) => unwrap(gl.GET('/api/v1/imports', { params: { query: { limit } } }));
/** Saved mappings and the presets (Shopify customers, HubSpot contacts, Google Contacts). */
export const listImportMappings = () => unwrap(gl.GET('/api/v1/import-mappings'));
/** Saves a mapping under a name (the same name replaces it). */
export const saveImportMapping = (name: string, mapping: Record<string, unknown>) => unwrap(gl.POST('/api/v1/import-mappings', { body: { name, mapping } }));

/** The CSV download of an import's rejected rows (line, code, message). */
export const rejectedRowsCsvUrl = (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/rejected.csv`;
/** Every contact with its consent per topic, as CSV. */
export const CONTACTS_CSV_URL = '/api/v1/contacts/export.csv';
/** The suppression list (hashes), as CSV. */
export const SUPPRESSIONS_CSV_URL = '/api/v1/suppressions/export.csv';

/** True while an import has not finished. */
export const isRunning = (i: Pick<ImportRecord, 'status'>) => i.status === 'queued' || i.status === 'running';
