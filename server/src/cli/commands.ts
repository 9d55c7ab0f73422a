// The subcommand registry. Each subcommand is its own module and is registered in register.ts.
export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** More than the usage line: options and examples, printed by `--help`. */
  help?: string;
  run(args: string[]): Promise<number>;
}

export const commands: Command[] = [];

export function registerCommand(c: Command): void {
  if (!commands.some((x) => x.name === c.name)) commands.push(c);
}
