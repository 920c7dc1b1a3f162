// Topics through the public API (/api/v1/topics): create one, change its name, description or frequency.
import { gl, unwrap, type Role } from './api-client';
import type { BodyOf } from './api-schema';

/** What creates a topic (key and category are fixed afterwards). */
export type TopicBody = BodyOf<'/api/v1/topics', 'post'>;
/** What may change on a topic. */
export type TopicPatch = BodyOf<'/api/v1/topics/{id}', 'patch'>;
/** The two topic categories (checked against the API's list). */
export const TOPIC_CATEGORIES = ['marketing', 'utility'] as const satisfies readonly TopicBody['category'][];
const _everyCategory: Exclude<TopicBody['category'], (typeof TOPIC_CATEGORIES)[number]> extends never ? true : never = true;

/** Creates a topic (422 names the field at fault). */
export const createTopic = (body: TopicBody) => unwrap(gl.POST('/api/v1/topics', { body }));
/** Changes a topic's name, description or frequency. */
export const updateTopic = (id: string, patch: TopicPatch) => unwrap(gl.PATCH('/api/v1/topics/{id}', { params: { path: { id } }, body: patch }));
/** Roles that may create and change topics (the API's contacts:write). */
export const canEditTopics = (role: Role): boolean => role === 'owner' || role === 'admin' || role === 'marketer';
