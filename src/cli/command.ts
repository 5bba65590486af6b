/** What a `slipway` sub-command is: a name, a line of help, and a run over its own arguments. */
export interface CliCommand {
  name: string;
  /** One line for `slipway --help`. */
  summary: string;
  /** The usage text shown by `slipway <name> --help` and on bad arguments. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Where a command writes (the console in the CLI, buffers in tests). */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** Flags renamed before 1.0 (docs/values.md, "Names"): the old name is refused with the new one. */
const RENAMED_FLAGS: Record<string, string> = { 'ssh-key': 'ssh-private-key' };

/** Parses `--name value` / `--name=value` / `--flag` arguments; unknown names are an error. */
export function parseFlags(args: string[], known: { values: string[]; flags?: string[] }): Record<string, string | true> {
  const parsed: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument '${arg}'`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (known.flags?.includes(name)) {
      parsed[name] = true;
    } else if (known.values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      parsed[name] = value;
    } else {
      const renamed = RENAMED_FLAGS[name];
      throw new Error(`unknown option --${name}${renamed ? `: renamed to --${renamed}` : ''}`);
    }
  }
  return parsed;
}
