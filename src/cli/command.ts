/**
 * What every operator command shares: `--help`, and one line on stderr for any mistake
 * (an unknown option, a bad value, a configuration error) instead of a Node stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/index.js';

/** A mistake in how the command was called: printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One command: its name, its help text and its options. */
export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** As typed after `npm run`, e.g. `token`. */
  name: string;
  /** The whole `--help` text. */
  help: string;
  options: O;
}

type Values<O extends NonNullable<ParseArgsConfig['options']>> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * Parses the arguments and runs `main`. `--help` prints the help and exits 0; a
 * UsageError or a parse error exits 2; a ConfigError or any other failure exits 1 —
 * always with one line naming the command.
 */
export async function runCommand<O extends NonNullable<ParseArgsConfig['options']>>(
  spec: CommandSpec<O>,
  main: (values: Values<O>) => Promise<void> | void,
  argv: string[] = process.argv.slice(2),
): Promise<void> {
  const fail = (message: string, status: number): void => {
    process.stderr.write(`${spec.name}: ${message}\n`);
    if (status === 2) process.stderr.write(`Try: npm run ${spec.name} -- --help\n`);
    process.exitCode = status;
  };
  let values: Values<O>;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${spec.help.trim()}\n`);
      return;
    }
    ({ values } = parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: false }));
  } catch (error) {
    fail(parseErrorLine(error), 2);
    return;
  }
  try {
    await main(values);
  } catch (error) {
    if (error instanceof UsageError) fail(error.message, 2);
    else if (error instanceof ConfigError) fail(`configuration error: ${error.message}`, 1);
    else fail(firstLine(error), 1);
  }
}

/** Node's own parse errors name the option; keep one line, with the hint that fixes it. */
function parseErrorLine(error: unknown): string {
  const line = firstLine(error).replace(/^TypeError \[[A-Z_]+\]: /, '');
  const ambiguous = /^Option '(--[\w-]+)' argument is ambiguous/.exec(line);
  if (ambiguous) return `${ambiguous[1]}: a value starting with - must be joined with =, e.g. ${ambiguous[1]}=-1`;
  return line;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
