import { z } from 'zod';
import { notFound } from '../../lib/errors.js';

/** `:id` path parameter. A malformed id is simply not found (404), like another workspace's id. */
export const idParams = z.object({ id: z.string().max(64) });

/** `?limit=&cursor=` paging. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(50),
  cursor: z.string().max(500).optional(),
});

/** A page of `item`. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), next_cursor: z.string().nullable() });
}

/** The error envelope every failure uses. */
export const errorEnvelope = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
});

/** True when `id` is a UUID; services look ids up only when it is, so bad ids answer 404 not 500. */
export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** Refuses an `:id` that is not a UUID as "<kind> not found" (404), like another workspace's id. */
export function assertId(kind: string, id: string): void {
  if (!isUuid(id)) throw notFound(kind, id);
}
