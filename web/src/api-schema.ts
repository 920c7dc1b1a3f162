// Names for the API types generated from the OpenAPI document (api-schema.generated.ts, made by
// `npm run api:types`): the UI's DTOs are taken from there, never written by hand, so a change to a
// route's schema shows up here as a type error instead of a silent mismatch.
import type { paths } from './api-schema.generated';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The JSON an operation answers with on success (its 200, else its 201). */
export type ResponseOf<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { responses: infer R } ? (R extends { 200: infer S } ? JsonOf<S> : R extends { 201: infer S } ? JsonOf<S> : never) : never;

/** The JSON body an operation takes. */
export type BodyOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** The query parameters an operation takes. */
export type QueryOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** One item of a list answer (`{ data: [...] }`). */
export type ItemOf<T> = T extends { data: (infer I)[] } ? I : never;
