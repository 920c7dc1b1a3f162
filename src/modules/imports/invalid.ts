import { AppError } from '../../lib/errors.js';

/** A zod failure as VALIDATION_FAILED naming each field under `prefix` ("mapping.topics.keys"). */
export function invalid(prefix: string, err: { issues: { path: PropertyKey[]; message: string }[] }): AppError {
  const fields = err.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
  return new AppError('VALIDATION_FAILED', `${fields[0]!.field}: ${fields[0]!.message}`, { fields });
}
