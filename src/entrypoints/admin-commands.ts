import { AppError } from '../lib/errors.js';
import { randomToken } from '../lib/secrets.js';
import type { Ctx } from '../modules/context.js';
import { createApiKey, createUser, createWorkspace, findWorkspaceBySlug, prepareCreateUser } from '../modules/workspaces/index.js';
import { getImport, importRunnerFor, startImport } from '../modules/imports/index.js';
import type { Runtime } from './runtime.js';

/** Operator commands that need the database; run locally or by the process that owns PGlite. */
export type AdminCommand = (rt: Pick<Runtime, 'database' | 'clock' | 'log'>, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

async function cliCtx(rt: Pick<Runtime, 'database' | 'clock' | 'log'>, slug: unknown): Promise<Ctx> {
  const ws = await findWorkspaceBySlug(rt.database.db, String(slug ?? 'default'));
  if (!ws) throw new AppError('NOT_FOUND', `no workspace with slug "${String(slug)}"; create it with: npx greenlist workspace create --slug ${String(slug)}`);
  return { db: rt.database.db, workspaceId: ws.id, actor: { type: 'cli', id: null, role: 'owner' }, now: rt.clock.now(), log: rt.log };
}

/** The commands, by name. */
export const ADMIN_COMMANDS: Record<string, AdminCommand> = {
  'apikey.create': async (rt, args) => {
    const ctx = await cliCtx(rt, args.workspace);
    const key = await rt.database.db.transaction((tx) => createApiKey({ ...ctx, db: tx }, { name: args.name ?? 'cli', role: args.role ?? 'admin' }));
    return { id: key.id, name: key.name, role: key.role, key: key.key, workspace: String(args.workspace ?? 'default') };
  },
  'user.create': async (rt, args) => {
    const ctx = await cliCtx(rt, args.workspace);
    const password = typeof args.password === 'string' && args.password ? args.password : randomToken(18);
    const prepared = await prepareCreateUser({ email: args.email, name: args.name ?? '', role: args.role ?? 'owner', password });
    const user = await rt.database.db.transaction((tx) => createUser({ ...ctx, db: tx }, prepared));
    return { id: user.id, email: user.email, role: user.role, ...(args.password ? {} : { password }) };
  },
  'workspace.create': async (rt, args) => {
    const ws = await createWorkspace(rt.database.db, { slug: String(args.slug ?? ''), name: String(args.name ?? args.slug ?? '') }, {
      now: rt.clock.now(),
      log: rt.log,
      actor: { type: 'cli', id: null, role: 'owner' },
    });
    return { id: ws.id, slug: ws.slug, name: ws.name };
  },
  // Run by the process that owns the database; the CLI polls import.status for its progress bar.
  'import.start': async (rt, args) => {
    const ctx = await cliCtx(rt, args.workspace);
    const runner = importRunnerFor({ db: rt.database.db, log: rt.log, clock: rt.clock });
    return startImport(ctx, runner, {
      path: String(args.path),
      filename: typeof args.filename === 'string' ? args.filename : undefined,
      mapping: args.mapping,
      attestation: args.attestation,
      dryRun: args.dry_run === true,
      ...(typeof args.chunkSize === 'number' ? { chunkSize: args.chunkSize } : {}),
    });
  },
  'import.status': async (rt, args) => {
    const ctx = await cliCtx(rt, args.workspace);
    const runner = importRunnerFor({ db: rt.database.db, log: rt.log, clock: rt.clock });
    return getImport(ctx, String(args.id), runner.progress(String(args.id)));
  },
};
