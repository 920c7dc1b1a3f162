import { Command, Option } from 'commander';
import { AppError } from '../lib/errors.js';
import { createLogger, silentLogger } from '../lib/logger.js';
import { readLiveLock } from '../adapters/db/data-dir-lock.js';
import { sendControlCommand } from '../adapters/control/control-channel.js';
import { runMigrations } from '../adapters/db/migrate.js';
import { ADMIN_COMMANDS } from './admin-commands.js';
import { importCommand } from './import-command.js';
import { openRuntime } from './runtime.js';
import { configOrExit, fail, serve } from './serve.js';
import { runWorker } from './worker-thread.js';

/**
 * Runs an admin command. With the embedded database, a running Greenlist owns the data directory,
 * so the command is sent to it over the loopback control channel instead of opening PGlite twice.
 */
async function runAdmin(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const config = configOrExit();
  if (!config.databaseUrl) {
    const live = await readLiveLock(config.dataDir);
    if (live?.controlPort && live.controlToken) {
      return (await sendControlCommand(live.controlPort, live.controlToken, name, args)) as Record<string, unknown>;
    }
    if (live) throw new AppError('DATA_DIR_LOCKED', `Greenlist (pid ${live.pid}) is starting on ${config.dataDir}; retry in a few seconds`);
  }
  const log = silentLogger();
  const rt = await openRuntime(config, log);
  try {
    return await ADMIN_COMMANDS[name]!(rt, args);
  } finally {
    await rt.close();
  }
}

const program = new Command();
program.name('greenlist').description('Consent-first WhatsApp contact lists on the official Cloud API').showHelpAfterError();

program.command('start').description('run the API and the worker in one process (embedded PGlite unless DATABASE_URL is set)').action(() => serve('start'));
program.command('api').description('run only the HTTP API (scale-out, needs DATABASE_URL)').action(() => serve('api'));
program.command('worker').description('run only the background worker (scale-out, needs DATABASE_URL)').action(() => runWorker());

program
  .command('migrate')
  .description('apply database migrations and exit')
  .action(async () => {
    const config = configOrExit();
    if (!config.databaseUrl) {
      const live = await readLiveLock(config.dataDir);
      if (live) fail(new AppError('DATA_DIR_LOCKED', `Greenlist (pid ${live.pid}) owns ${config.dataDir} and already applied migrations when it started`));
    }
    const rt = await openRuntime(config, silentLogger()).catch(fail);
    await runMigrations(rt.database, config.databaseUrl).catch(fail);
    await rt.close();
    process.stdout.write('migrations are up to date\n');
  });

program
  .command('simulator')
  .description('run the WhatsApp Cloud API simulator alone (no database), e.g. for another Greenlist or your own tests')
  .option('--port <port>', 'port (default: GREENLIST_SIMULATOR_PORT, 8081)')
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--webhook-url <url>', 'where to POST signed webhooks, e.g. http://127.0.0.1:8080/webhooks/whatsapp')
  .option('--app-secret <secret>', 'app secret that signs webhooks', 'sim-app-secret')
  .option('--verify-token <token>', 'verify token of the GET handshake', 'sim-verify-token')
  .option('--access-token <token>', 'bearer token the simulated number accepts', 'sim-access-token')
  .option('--seed <seed>', 'seed of the virtual population', 'greenlist')
  .action(async (opts: { port?: string; host: string; webhookUrl?: string; appSecret: string; verifyToken: string; accessToken: string; seed: string }) => {
    const config = configOrExit();
    const { createSimulator, DEFAULT_NUMBER } = await import('../simulator/index.js');
    const log = createLogger({ level: config.logLevel });
    const sim = createSimulator({
      seed: opts.seed,
      appSecret: opts.appSecret,
      verifyToken: opts.verifyToken,
      phoneNumbers: [{ phoneNumberId: DEFAULT_NUMBER.phoneNumberId, accessToken: opts.accessToken }],
      ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
      logger: log,
    });
    const url = await sim.listen(opts.port ? Number(opts.port) : config.simulatorPort, opts.host).catch(fail);
    process.stdout.write(
      [
        `WhatsApp Cloud API simulator listening on ${url}`,
        `  phone_number_id ${DEFAULT_NUMBER.phoneNumberId}, waba_id ${DEFAULT_NUMBER.wabaId}, access token ${opts.accessToken}`,
        `  webhooks → ${opts.webhookUrl ?? '(none; set --webhook-url)'} signed with the app secret you passed`,
        `  control plane: ${url}/_sim (inbound, sent, config, webhooks)`,
        '',
      ].join('\n'),
    );
    const stop = () => void sim.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

const apikey = program.command('apikey').description('manage API keys');
apikey
  .command('create')
  .description('create an API key; the key alone is printed on the last line')
  .option('--workspace <slug>', 'workspace slug', 'default')
  .option('--name <name>', 'a name to recognise the key by', 'cli')
  .addOption(new Option('--role <role>', 'role the key acts with').choices(['owner', 'admin', 'marketer', 'agent', 'viewer']).default('admin'))
  .action(async (opts: { workspace: string; name: string; role: string }) => {
    const res = await runAdmin('apikey.create', opts).catch(fail);
    process.stdout.write(`Created API key "${String(res.name)}" (${String(res.role)}) in workspace ${String(res.workspace)}. It is shown only once:\n${String(res.key)}\n`);
  });

const user = program.command('user').description('manage admin UI users');
user
  .command('create')
  .description('add a user who can log in to the admin UI (a password is generated unless --password-stdin)')
  .requiredOption('--email <email>', 'login email')
  .option('--workspace <slug>', 'workspace slug', 'default')
  .option('--name <name>', 'display name', '')
  .addOption(new Option('--role <role>', 'role').choices(['owner', 'admin', 'marketer', 'agent', 'viewer']).default('owner'))
  .option('--password-stdin', 'read the password from standard input')
  .action(async (opts: { email: string; workspace: string; name: string; role: string; passwordStdin?: boolean }) => {
    let password: string | undefined;
    if (opts.passwordStdin) {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
    }
    const res = await runAdmin('user.create', { email: opts.email, workspace: opts.workspace, name: opts.name, role: opts.role, password }).catch(fail);
    process.stdout.write(`Created ${String(res.role)} ${String(res.email)}.\n`);
    if (res.password) process.stdout.write(`Generated password (shown once):\n${String(res.password)}\n`);
  });

const workspace = program.command('workspace').description('manage workspaces');
workspace
  .command('create')
  .description('create a workspace')
  .requiredOption('--slug <slug>', 'short name used in URLs, e.g. acme-shop')
  .option('--name <name>', 'display name')
  .action(async (opts: { slug: string; name?: string }) => {
    const res = await runAdmin('workspace.create', opts).catch(fail);
    process.stdout.write(`Created workspace ${String(res.slug)} (${String(res.id)})\n`);
  });

program.addCommand(importCommand(configOrExit, fail));

await program.parseAsync(process.argv);
