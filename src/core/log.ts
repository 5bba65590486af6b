/**
 * The logging port of the core library. The actions hand in an adapter over @actions/core, the CLI
 * one over the console, tests a recording one. Secrets never reach it: callers mask or omit them.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (the default where a caller passes none). */
export const silentLogger: Logger = { debug() {}, info() {}, warning() {}, error() {} };

/** A logger that keeps every line, for tests and for reports. */
export class RecordingLogger implements Logger {
  readonly lines: { level: keyof Logger; message: string }[] = [];
  debug(message: string) { this.lines.push({ level: 'debug', message }); }
  info(message: string) { this.lines.push({ level: 'info', message }); }
  warning(message: string) { this.lines.push({ level: 'warning', message }); }
  error(message: string) { this.lines.push({ level: 'error', message }); }
  /** The messages logged at one level. */
  at(level: keyof Logger): string[] { return this.lines.filter((l) => l.level === level).map((l) => l.message); }
}
