// Automations through the public API (/api/v1/automations).
import { gl, unwrap } from './api-client';
import type { BodyOf, ItemOf, ResponseOf } from './api-schema';

/** An automation's definition as the API takes it: trigger, topic, steps, re-entry and goal. */
export type AutomationDefinition = BodyOf<'/api/v1/automations', 'post'>['definition'];
/** One step of a definition (send_template, send_message, wait, wait_for_reply, wait_for_event, ask, branch, tag, set_attribute, withdraw_consent, end). */
export type AutomationStep = AutomationDefinition['steps'][number];
/** The kinds of step. */
export type StepType = AutomationStep['type'];
/** What enrols people: API only, a customer event, an opt-in, a keyword, a date, a stage, a segment, a tag, an attribute, an unread broadcast, a button. */
export type AutomationTrigger = AutomationDefinition['trigger'];

/** Automation lifecycle, as the API names it. */
export type AutomationStatus = 'draft' | 'published' | 'paused' | 'archived';

type AutomationOut = ResponseOf<'/api/v1/automations/{id}', 'get'>;
/**
 * An automation as the API shows it. The API's schema leaves status and the draft definition open
 * (a string, an object); the UI narrows them to the shapes the API writes (they were checked on save).
 */
export type Automation = Omit<AutomationOut, 'status' | 'definition'> & { status: AutomationStatus; definition: AutomationDefinition };
/** One person's way through a published version, with what each step did. */
export type AutomationRun = ItemOf<ResponseOf<'/api/v1/automations/{id}/runs', 'get'>>;
/** Who to enrol: contact ids, phones or a saved segment (exactly one). */
export type EnrolInput = BodyOf<'/api/v1/automations/{id}/enrollments', 'post'>;
/** Who to send through the published version now: a contact id or a phone (exactly one). */
export type TestRunInput = BodyOf<'/api/v1/automations/{id}/test-runs', 'post'>;
/** How many were enrolled, skipped (already in it) and unknown (not contacts). */
export type EnrolResult = ResponseOf<'/api/v1/automations/{id}/enrollments', 'post'>;

/** A ready automation to start from: what it does, the templates it needs (slots) and the attributes it stores answers in. */
export type AutomationRecipe = ItemOf<ResponseOf<'/api/v1/automations/recipes', 'get'>>;
/** What creating from a recipe takes: a name, the topic, a template per slot, and its main delay in days. */
export type RecipeInput = BodyOf<'/api/v1/automations/recipes/{key}', 'post'>;

export type AutomationAction = 'publish' | 'pause' | 'resume' | 'archive';

// The API's schema leaves an automation's status and draft definition open; these narrow its
// answers to the shapes the API writes (see Automation above): a cast of the type, not of the path.
const asAutomation = (a: AutomationOut) => a as Automation;
const asAutomations = (page: { data: AutomationOut[] }) => page as { data: Automation[] };

/** Every automation, newest first, with run counts. */
export const listAutomations = () => unwrap(gl.GET('/api/v1/automations')).then(asAutomations);
/** One automation: its draft, published version and counts. */
export const getAutomation = (id: string) => unwrap(gl.GET('/api/v1/automations/{id}', { params: { path: { id } } })).then(asAutomation);
/** Saves a new draft; a definition with problems is a 422 AUTOMATION_INVALID naming each path. */
export const createAutomation = (input: { name: string; definition: AutomationDefinition }) => unwrap(gl.POST('/api/v1/automations', { body: input })).then(asAutomation);
/** The recipe gallery. */
export const listRecipes = () => unwrap(gl.GET('/api/v1/automations/recipes'));
/** Saves a new draft from a recipe; a missing slot (`templates.offer`) or a problem in the draft is a 422 AUTOMATION_INVALID. */
export const createFromRecipe = (key: string, input: RecipeInput) => unwrap(gl.POST('/api/v1/automations/recipes/{key}', { params: { path: { key } }, body: input })).then(asAutomation);
/** Renames it or replaces the draft (runs keep the version they started on). */
export const updateAutomation = (id: string, input: { name?: string; definition?: AutomationDefinition }) => unwrap(gl.PATCH('/api/v1/automations/{id}', { params: { path: { id } }, body: input })).then(asAutomation);
/** Publishes the draft as a new version, or pauses, resumes or archives. */
export const changeAutomation = (id: string, action: AutomationAction) => unwrap(gl.POST(`/api/v1/automations/{id}/${action}`, { params: { path: { id } } })).then(asAutomation);
/** Enrols people in the published version. */
export const enrolInAutomation = (id: string, input: EnrolInput) => unwrap(gl.POST('/api/v1/automations/{id}/enrollments', { params: { path: { id } }, body: input }));
/** Runs, newest first, each with its steps log; only one contact's with `contactId`. */
export const listAutomationRuns = (id: string, contactId?: string) => unwrap(gl.GET('/api/v1/automations/{id}/runs', { params: { path: { id }, query: { contact_id: contactId } } }));
/** Sends one contact through the published version now (a 422 AUTOMATION_STATE_INVALID while their last run still goes). */
export const startTestRun = (id: string, input: TestRunInput) => unwrap(gl.POST('/api/v1/automations/{id}/test-runs', { params: { path: { id } }, body: input }));
