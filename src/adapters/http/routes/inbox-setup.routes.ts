import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  availabilityIn,
  cannedListQuery,
  cannedReplyIn,
  cannedReplyOut,
  cannedReplyPatch,
  createCannedReply,
  createInboxTeam,
  deleteInboxTeam,
  getInboxTeam,
  inboxTeamIn,
  inboxTeamMembersIn,
  inboxTeamOut,
  inboxTeamPatch,
  listInboxTeams,
  setInboxTeamMembers,
  updateInboxTeam,
  deleteCannedReply,
  getCannedReply,
  getRouting,
  listCannedReplies,
  renderCannedReplies,
  renderedCannedOut,
  routingIn,
  routingOut,
  setAvailability,
  setRouting,
  updateCannedReply,
} from '../../../modules/conversations/index.js';
import { ctxOf, runMutation, type RequestDeps } from '../request-context.js';
import { assertId, idParams } from '../schemas.js';

const tags = ['conversations'];
const read = { permission: 'contacts:read' } as const;
const reply = { permission: 'conversations:reply' } as const;
const manage = { permission: 'workspace:manage' } as const;
const checkCanned = (id: string) => assertId('canned reply', id);
const checkTeam = (id: string) => assertId('team', id);

/** The inbox's setup: canned replies (and each filled in for a conversation), round-robin, agents' availability and teams. */
export function inboxSetupRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/canned-replies', { config: read, schema: { tags, summary: 'Canned replies by shortcut (at most 500), variables not filled', querystring: cannedListQuery, response: { 200: z.object({ data: z.array(cannedReplyOut) }) } } }, async (req) => ({
    data: await listCannedReplies(ctxOf(req, deps), req.query),
  }));
  r.post('/api/v1/canned-replies', { config: reply, schema: { tags, summary: 'Save a canned reply (an unknown {{variable}} is a 422 naming it)', body: cannedReplyIn, response: { 201: cannedReplyOut } } }, (req, res) =>
    runMutation(req, res, deps, 201, (ctx) => createCannedReply(ctx, req.body)),
  );
  r.get('/api/v1/canned-replies/:id', { config: read, schema: { tags, summary: 'One canned reply', params: idParams, response: { 200: cannedReplyOut } } }, (req) => {
    checkCanned(req.params.id);
    return getCannedReply(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/canned-replies/:id', { config: reply, schema: { tags, summary: "Change a canned reply's shortcut or text", params: idParams, body: cannedReplyPatch, response: { 200: cannedReplyOut } } }, (req, res) => {
    checkCanned(req.params.id);
    return runMutation(req, res, deps, 200, (ctx) => updateCannedReply(ctx, req.params.id, req.body));
  });
  r.delete('/api/v1/canned-replies/:id', { config: reply, schema: { tags, summary: 'Delete a canned reply', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, res) => {
    checkCanned(req.params.id);
    return runMutation(req, res, deps, 200, async (ctx) => {
      await deleteCannedReply(ctx, req.params.id);
      return { deleted: true as const };
    });
  });
  r.get(
    '/api/v1/conversations/:id/canned-replies',
    { config: read, schema: { tags, summary: 'Canned replies filled in for this conversation (contact, workspace and your name), for the composer', params: idParams, querystring: cannedListQuery, response: { 200: z.object({ data: z.array(renderedCannedOut) }) } } },
    async (req) => {
      assertId('conversation', req.params.id);
      return { data: await renderCannedReplies(ctxOf(req, deps), req.params.id, req.query) };
    },
  );
  r.get('/api/v1/conversations/routing', { config: read, schema: { tags, summary: 'Round-robin on or off, and who is available for new conversations', response: { 200: routingOut } } }, (req) => getRouting(ctxOf(req, deps)));
  r.patch('/api/v1/conversations/routing', { config: manage, schema: { tags, summary: 'Turn round-robin on or off: each new conversation goes to the available agent whose turn it is', body: routingIn, response: { 200: routingOut } } }, (req, res) =>
    runMutation(req, res, deps, 200, (ctx) => setRouting(ctx, req.body)),
  );
  r.put(
    '/api/v1/conversations/routing/agents/:id',
    { config: reply, schema: { tags, summary: "Mark a user available or not for new conversations (your own; another user's needs the users:manage permission)", params: idParams, body: availabilityIn, response: { 200: routingOut } } },
    (req, res) => {
      assertId('user', req.params.id);
      return runMutation(req, res, deps, 200, (ctx) => setAvailability(ctx, req.params.id, req.body));
    },
  );
  inboxTeamRoutes(app, deps);
}

/** Teams of agents conversations are assigned to: anyone who reads the inbox lists them; `workspace:manage` changes them. */
function inboxTeamRoutes(app: FastifyInstance, deps: RequestDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/v1/inbox-teams', { config: read, schema: { tags, summary: 'Teams of agents by name, each with its members (at most 100)', response: { 200: z.object({ data: z.array(inboxTeamOut) }) } } }, async (req) => ({
    data: await listInboxTeams(ctxOf(req, deps)),
  }));
  r.post('/api/v1/inbox-teams', { config: manage, schema: { tags, summary: 'Create a team (a name unique in the workspace without case), optionally with its members', body: inboxTeamIn, response: { 201: inboxTeamOut } } }, (req, res) =>
    runMutation(req, res, deps, 201, (ctx) => createInboxTeam(ctx, req.body)),
  );
  r.get('/api/v1/inbox-teams/:id', { config: read, schema: { tags, summary: 'One team with its members', params: idParams, response: { 200: inboxTeamOut } } }, (req) => {
    checkTeam(req.params.id);
    return getInboxTeam(ctxOf(req, deps), req.params.id);
  });
  r.patch('/api/v1/inbox-teams/:id', { config: manage, schema: { tags, summary: 'Rename a team', params: idParams, body: inboxTeamPatch, response: { 200: inboxTeamOut } } }, (req, res) => {
    checkTeam(req.params.id);
    return runMutation(req, res, deps, 200, (ctx) => updateInboxTeam(ctx, req.params.id, req.body));
  });
  r.put('/api/v1/inbox-teams/:id/members', { config: manage, schema: { tags, summary: "Replace a team's members (users who may answer conversations)", params: idParams, body: inboxTeamMembersIn, response: { 200: inboxTeamOut } } }, (req, res) => {
    checkTeam(req.params.id);
    return runMutation(req, res, deps, 200, (ctx) => setInboxTeamMembers(ctx, req.params.id, req.body));
  });
  r.delete('/api/v1/inbox-teams/:id', { config: manage, schema: { tags, summary: 'Delete a team (its conversations keep their user and lose the team)', params: idParams, response: { 200: z.object({ deleted: z.literal(true) }) } } }, (req, res) => {
    checkTeam(req.params.id);
    return runMutation(req, res, deps, 200, async (ctx) => {
      await deleteInboxTeam(ctx, req.params.id);
      return { deleted: true as const };
    });
  });
}
