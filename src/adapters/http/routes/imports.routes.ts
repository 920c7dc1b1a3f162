import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../../lib/errors.js';
import { recordAudit } from '../../../modules/audit/index.js';
import {
  DEFAULT_MAX_BYTES,
  exportContactsCsv,
  exportSuppressionsCsv,
  getImport,
  importAccepted,
  importJsonIn,
  importOut,
  importRunnerFor,
  importPreviewOut,
  importSuppressions,
  listImports,
  MAX_PREVIEW_ROWS,
  previewImportFile,
  rejectedRowsCsv,
  prepareImport,
  startImport,
  listMappings,
  saveMapping,
  deleteMapping,
  savedMappingOut,
  saveMappingIn,
  suppressionImportOut,
} from '../../../modules/imports/index.js';
import { ctxOf, runMutation, type FeatureDeps } from '../request-context.js';
import { assertId, idParams, pageOf, pageQuery } from '../schemas.js';

// The small-file JSON form carries the CSV inside JSON; larger files go as a text/csv body, which
// is streamed to disk and never held in memory.
const JSON_BODY_LIMIT = 16 * 1024 * 1024;
const CSV_TYPES = ['text/csv', 'application/csv'];

const importQuery = z.object({
  mapping: z.string().max(20_000).optional().describe('JSON: which column feeds which field, e.g. {"phone":"Phone","name":"Name"}; with mapping_id, only the keys to add or replace'),
  mapping_id: z.string().max(100).optional().describe('a saved mapping id or a preset ("preset:shopify-customers"), from GET /api/v1/import-mappings'),
  attestation: z.string().max(20_000).optional().describe('JSON: {attested_by, collected_where, collected_at, text}; required when the mapping imports consent'),
  dry_run: z.enum(['true', 'false', '1', '0']).optional().describe('check every row and count what would change, writing nothing'),
  filename: z.string().max(255).optional(),
});

const previewQuery = z.object({
  partial: z.enum(['true', 'false', '1', '0']).optional().describe('true when the body is only the start of the file (a browser sends a slice): it is cut after its last line break'),
  rows: z.coerce.number().int().min(1, 'must be at least 1').max(MAX_PREVIEW_ROWS, `must be at most ${MAX_PREVIEW_ROWS}`).default(10).describe('how many rows after the header to show'),
  delimiter: z.enum([',', ';', '\t', '|']).optional().describe('field separator; guessed from the header line when absent (mapping.delimiter wins)'),
  mapping: importQuery.shape.mapping.describe('JSON: a mapping to preview the rows with (as POST /api/v1/imports takes it); with mapping_id, only the keys to add or replace'),
  mapping_id: importQuery.shape.mapping_id,
});

function jsonParam(name: string, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('VALIDATION_FAILED', `${name} must be JSON (URL-encoded in the query string)`, { fields: [{ field: name, message: 'not valid JSON' }] });
  }
}

function tooLarge(reply: FastifyReply, limit: number): AppError {
  // The rest of the body is not read: closing the connection after the 413 stops the upload.
  reply.header('connection', 'close');
  return new AppError('BODY_TOO_LARGE', `the file is larger than the import limit of ${Math.round(limit / 1_048_576)} MB; split it into smaller files`, { limit_bytes: limit });
}

/** Streams the request body into a private file (0600) under `uploadDir`, stopping at `limit` bytes. */
async function spool(req: FastifyRequest, reply: FastifyReply, body: Readable | string, limit: number, uploadDir: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(reply, limit);
  const dir = await mkdtemp(join(uploadDir, 'import-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'upload.csv');
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  try {
    let size = 0;
    const source = typeof body === 'string' ? [Buffer.from(body)] : body.iterator({ destroyOnReturn: false });
    for await (const chunk of source) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(reply, limit);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await finished(out);
    return { path, cleanup };
  } catch (err) {
    out.destroy();
    await cleanup();
    throw err;
  }
}

/** CSV imports and exports of contacts and suppression lists. */
export function importRoutes(app: FastifyInstance, deps: FeatureDeps): void {
  void app.register(async (scope) => {
    // CSV bodies are passed through as streams: the handler spools them to disk with its own limit.
    scope.addContentTypeParser(CSV_TYPES, (_req, payload, done) => done(null, payload));
    const runner = importRunnerFor({ db: deps.db, log: deps.log, clock: deps.clock });
    scope.addHook('onClose', async () => runner.close());
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const write = { permission: 'contacts:write' as const };
    const read = { permission: 'contacts:read' as const };
    const tags = ['imports'];

    r.post(
      '/api/v1/imports',
      {
        config: write,
        bodyLimit: JSON_BODY_LIMIT,
        schema: {
          tags,
          summary: 'Import contacts from CSV (text/csv body, or JSON {csv, mapping, attestation, dry_run} for small files)',
          description:
            'Answers 202 once the file is stored and checked (size, encoding, header); rows are processed in the background. Poll GET /api/v1/imports/{id}. Running the same file again creates nothing new.',
          consumes: [...CSV_TYPES, 'application/json'],
          querystring: importQuery,
          response: { 202: importAccepted },
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(req, deps);
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        const isCsv = CSV_TYPES.includes(type);
        const json = isCsv ? undefined : importJsonIn.parse(req.body);
        const q = req.query;
        const input = {
          mapping: json ? json.mapping : jsonParam('mapping', q.mapping),
          mappingId: json ? json.mapping_id : q.mapping_id,
          attestation: json ? json.attestation : jsonParam('attestation', q.attestation),
          dryRun: json ? json.dry_run : q.dry_run === 'true' || q.dry_run === '1',
        };
        // Mapping, attestation and topics are refused before a single byte of the upload is read.
        const prepared = await prepareImport(deps.db, ctx.workspaceId, input, ctx.now);
        const file = await spool(req, reply, json ? json.csv : (req.body as Readable), isCsv ? DEFAULT_MAX_BYTES : JSON_BODY_LIMIT, deps.uploadDir ?? tmpdir());
        const started = await startImport(ctx, runner, { ...input, prepared, path: file.path, filename: json?.filename ?? q.filename, cleanup: file.cleanup, maxBytes: DEFAULT_MAX_BYTES });
        reply.code(202);
        return { id: started.id, status: started.status };
      },
    );

    r.post(
      '/api/v1/imports/preview',
      {
        config: write,
        schema: {
          tags,
          summary: 'Look at a CSV before importing it: encoding, delimiter, header, the first rows, and with a mapping each row as it would be imported',
          description:
            'Send the file, or only its start with partial=true (a browser sends file.slice(0, 1 MB)), as a text/csv body. Nothing is written and the upload is deleted at once. The mapping is checked as an import checks it (a column the file lacks is a 422 naming it), but no attestation is needed yet.',
          consumes: CSV_TYPES,
          querystring: previewQuery,
          response: { 200: importPreviewOut },
        },
      },
      async (req, reply) => {
        const ctx = ctxOf(req, deps);
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_TYPES.includes(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the file (or its start, with partial=true) as a text/csv body', { header: 'content-type' });
        const q = req.query;
        const file = await spool(req, reply, req.body as Readable, DEFAULT_MAX_BYTES, deps.uploadDir ?? tmpdir());
        try {
          return await previewImportFile(deps.db, ctx.workspaceId, {
            path: file.path,
            maxBytes: DEFAULT_MAX_BYTES,
            partial: q.partial === 'true' || q.partial === '1',
            rows: q.rows,
            delimiter: q.delimiter,
            mapping: jsonParam('mapping', q.mapping),
            mappingId: q.mapping_id,
            now: ctx.now,
          });
        } finally {
          await file.cleanup();
        }
      },
    );

    r.get('/api/v1/import-mappings', { config: read, schema: { tags, summary: 'Saved import mappings and the built-in presets (Shopify, HubSpot, Google Contacts)', response: { 200: z.object({ data: z.array(savedMappingOut) }) } } }, async (req) => ({
      data: await listMappings(ctxOf(req, deps)),
    }));

    r.post('/api/v1/import-mappings', { config: write, schema: { tags, summary: 'Save a mapping under a name to reuse it (the same name replaces it)', body: saveMappingIn, response: { 201: savedMappingOut } } }, (req, reply) =>
      runMutation(req, reply, deps, 201, (ctx) => saveMapping(ctx, req.body)),
    );

    r.delete('/api/v1/import-mappings/:id', { config: write, schema: { tags, summary: 'Delete a saved mapping', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, reply) => {
      assertId('import mapping', req.params.id);
      return runMutation(req, reply, deps, 200, async (ctx) => {
        await deleteMapping(ctx, req.params.id);
        return { deleted: true as const };
      });
    });

    r.get('/api/v1/imports', { config: read, schema: { tags, summary: 'List imports, newest first (row errors only on the single import)', querystring: pageQuery, response: { 200: pageOf(importOut) } } }, (req) =>
      listImports(ctxOf(req, deps), req.query),
    );

    r.get('/api/v1/imports/:id', { config: read, schema: { tags, summary: 'One import: status, counts and the first 1,000 row errors', params: idParams, response: { 200: importOut } } }, (req) => {
      assertId('import', req.params.id);
      return getImport(ctxOf(req, deps), req.params.id, runner.progress(req.params.id));
    });

    r.get(
      '/api/v1/imports/:id/rejected.csv',
      { config: read, schema: { tags, summary: "An import's rejected rows as CSV: line, code, message (the first 1,000; formula-neutralised)", params: idParams, produces: ['text/csv'] } },
      async (req, reply) => {
        assertId('import', req.params.id);
        const csv = await rejectedRowsCsv(ctxOf(req, deps), req.params.id);
        // The file lists the first rows kept; this header says how many were rejected in all.
        reply.header('x-rejected-rows-total', String(csv.total));
        return sendCsvDownload(reply, `import-${req.params.id}-rejected.csv`, csv.lines);
      },
    );

    r.get('/api/v1/contacts/export.csv', { config: read, schema: { tags, summary: 'Export contacts with their consent state as CSV (formula-neutralised)', produces: ['text/csv'] } }, async (req, reply) => {
      const ctx = ctxOf(req, deps);
      await recordAudit(ctx, { action: 'contacts.exported', targetType: 'contact_list', details: { format: 'csv' } });
      return sendCsvDownload(reply, 'contacts.csv', exportContactsCsv(deps.db, ctx.workspaceId));
    });

    r.post(
      '/api/v1/suppressions/import',
      {
        config: write,
        schema: {
          tags,
          summary: 'Add the numbers (or 64-hex hashes) of a CSV to the suppression list',
          consumes: CSV_TYPES,
          querystring: z.object({ reason: z.string().max(200).optional(), default_country: z.string().regex(/^[A-Za-z]{2}$/).optional() }),
          response: { 200: suppressionImportOut },
        },
      },
      async (req) => {
        const ctx = ctxOf(req, deps);
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (!CSV_TYPES.includes(type)) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'send the list as a text/csv body', { header: 'content-type' });
        const body = req.body as Readable;
        return importSuppressions(ctx, body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>, {
          maxBytes: DEFAULT_MAX_BYTES,
          ...(req.query.reason ? { reason: req.query.reason } : {}),
          ...(req.query.default_country ? { defaultCountry: req.query.default_country.toUpperCase() } : {}),
        });
      },
    );

    r.get('/api/v1/suppressions/export.csv', { config: read, schema: { tags, summary: 'Export the suppression list as CSV (hashes only: numbers are not stored)', produces: ['text/csv'] } }, async (req, reply) => {
      const ctx = ctxOf(req, deps);
      await recordAudit(ctx, { action: 'suppressions.exported', targetType: 'suppression_list', details: { format: 'csv' } });
      return sendCsvDownload(reply, 'suppressions.csv', exportSuppressionsCsv(deps.db, ctx.workspaceId));
    });
  });
}

/** Streams CSV lines as a download that no cache keeps (exports carry personal data). */
function sendCsvDownload(reply: FastifyReply, filename: string, lines: AsyncIterable<string>): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(Readable.from(lines));
}
