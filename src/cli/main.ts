/**
 * The `zekka` command line. Each subcommand lives in src/cli/commands/ and registers itself on
 * the program. Exit codes: 0 success, 1 failure, 2 usage or configuration error.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../errors/config-error.js';
import { PendingMigrationsError } from '../db/migrator.js';
import { CliError } from './cli-error.js';
import { registerArtifactsCommand } from './commands/artifacts.js';
import { registerLoginCommands } from './commands/login.js';
import { registerRemoteProjectCommands } from './commands/remote-projects.js';
import { registerRemoteConflictCommands } from './commands/remote-conflicts.js';
import { registerRemotePlanCommands } from './commands/remote-plan.js';

/** The commands that only talk to a Zekka API over HTTP (src/cli/remote/). */
const REMOTE_COMMANDS = new Set(['login', 'logout', 'submit', 'start', 'follow', 'status', 'cancel', 'conflicts', 'resolve', 'budget', 'artifacts']);

/**
 * The program with every command, or — when `argv` names a remote command — with the remote
 * commands alone: the others load the whole engine (seconds of start-up) that a person typing
 * `zekka status` has no use for.
 */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command()
    .name('zekka')
    .description('Zekka: a multi-agent software-building platform on BullMQ flows')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  if (!REMOTE_COMMANDS.has(argv[2] ?? '')) {
    const [{ registerDbCommands }, { registerProcessCommands }, { registerDoctorCommand }, { registerUserCommands }] = await Promise.all([
      import('./commands/db.js'),
      import('./commands/processes.js'),
      import('./commands/doctor.js'),
      import('./commands/users.js'),
    ]);
    registerDbCommands(program);
    registerProcessCommands(program);
    registerDoctorCommand(program);
    registerUserCommands(program);
  }
  registerLoginCommands(program);
  registerRemoteProjectCommands(program);
  registerRemoteConflictCommands(program);
  registerRemotePlanCommands(program);
  registerArtifactsCommand(program);
  program.commands.forEach(applyStrictness);
  return program;
}

function applyStrictness(command: Command): void {
  command.exitOverride().showHelpAfterError();
  command.commands.forEach(applyStrictness);
}

export async function runCli(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version are "errors" to commander; they are successes to the user.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`zekka: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof ConfigError || error instanceof PendingMigrationsError) {
      process.stderr.write(`zekka: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`zekka: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

const code = await runCli(process.argv);
process.exitCode = code;
// Exit even if a library left a handle open; unref'd, so a clean process exits sooner by itself.
setTimeout(() => process.exit(code), 2_000).unref();
