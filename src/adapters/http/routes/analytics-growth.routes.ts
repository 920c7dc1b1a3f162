import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getGrowth, getOptOuts, growthCsvRows, growthOut, growthQuery, optOutCsvRows, optOutsOut, optOutsQuery, OPT_OUTS_CSV_HEADER } from '../../../modules/analytics/index.js';
import { csvLine } from '../../../modules/imports/index.js';
import { ctxOf, type RequestDeps } from '../request-context.js';

const tags = ['analytics'];
const read = { permission: 'contacts:read' as const };

/** Lines of a CSV download: the header, then each row (formula-neutralised cells). */
export async function* csvOf(header: string[], rows: AsyncIterable<(string | number | null)[]>): AsyncGenerator<string> {
  yield csvLine(header);
  for await (const r of rows) yield csvLine(r);
}

/**
 * Streams `rows` as a CSV download, reading the first row before answering: the rows' validation
 * (a bad period, an unknown segment) then answers 4xx instead of breaking a download already begun.
 */
export async function sendCsvRows(reply: FastifyReply, filename: string, header: string[], rows: AsyncGenerator<(string | number | null)[]>): Promise<FastifyReply> {
  const first = await rows.next();
  async function* all() {
    if (!first.done) yield first.value;
    yield* rows;
  }
  return sendCsv(reply, filename, csvOf(header, all()));
}

/** Streams CSV lines as a download no cache keeps (the opt-outs list names contacts). */
export function sendCsv(reply: FastifyReply, filename: string, lines: AsyncIterable<string>): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(Readable.from(lines));
}

/** List health: growth by source, topic and number, opt-out reasons and what came before them (JSON and CSV). */
export function analyticsGrowthRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/analytics/growth',
    { config: read, schema: { tags, summary: 'Opt-ins, opt-outs and net growth per day (workspace time zone) and per source, topic or number', querystring: growthQuery, response: { 200: growthOut } } },
    async (req) => {
      const { cells: _cells, ...out } = await getGrowth(ctxOf(req, deps), req.query);
      return out;
    },
  );
  r.get(
    '/api/v1/analytics/growth.csv',
    { config: read, schema: { tags, summary: 'The growth report as CSV: date, group, opt_ins, opt_outs, net for every day and group', querystring: growthQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const ctx = ctxOf(req, deps);
      const rows = growthCsvRows(ctx, req.query);
      return sendCsvRows(reply, 'growth.csv', ['date', 'group', 'opt_ins', 'opt_outs', 'net'], rows);
    },
  );
  r.get(
    '/api/v1/analytics/opt-outs',
    { config: read, schema: { tags, summary: 'Opt-outs over a period: reasons given and the broadcast or automation step sent within 72 h before each', querystring: optOutsQuery, response: { 200: optOutsOut } } },
    (req) => getOptOuts(ctxOf(req, deps), req.query),
  );
  r.get(
    '/api/v1/analytics/opt-outs.csv',
    { config: read, schema: { tags, summary: 'One row per opt-out in the period: time, contact, source, topic, reason and the message credited', querystring: optOutsQuery, produces: ['text/csv'] } },
    async (req, reply) => {
      const rows = optOutCsvRows(ctxOf(req, deps), req.query);
      return sendCsvRows(reply, 'opt-outs.csv', OPT_OUTS_CSV_HEADER, rows);
    },
  );
}
