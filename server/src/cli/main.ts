// brokerkit: the command-line face of the engine. Each subcommand lives in its own module.
import { UsageError } from './usage';
import { commands } from './commands';
import './register';

function help(): string {
  return [
    'brokerkit: checks Azure IoT Operations broker listeners and what they refer to.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'Exit codes: 0 no errors, 1 errors found, 2 bad usage or unreadable input.',
  ].join('\n');
}

function commandHelp(cmd: (typeof commands)[number]): string {
  return [`brokerkit ${cmd.name}: ${cmd.summary}`, '', `Usage: ${cmd.usage}`, ...(cmd.help ? ['', cmd.help] : [])].join(
    '\n',
  );
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest[0] && commands.some((c) => c.name === rest[0])) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`brokerkit: unknown command '${name}'.\n\n${help()}\n`);
    return 2;
  }
  // `--help` / `-h` before a `--` asks for the subcommand's help, whatever else is on the line.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    process.stdout.write(commandHelp(cmd) + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`brokerkit ${name}: ${e.message}\nUsage: ${cmd.usage}\n`);
      return 2;
    }
    process.stderr.write(`brokerkit ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}

declare const BROKERKIT_VERSION: string | undefined;
const VERSION = typeof BROKERKIT_VERSION === 'string' ? BROKERKIT_VERSION : '0.1.0';

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(String(e) + '\n');
      process.exitCode = 2;
    },
  );
}
