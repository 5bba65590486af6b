import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Runs a bundled action the way the GitHub runner does: inputs as INPUT_<NAME> variables, and the
// GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files; the post step gets the saved state
// back as STATE_<name> variables.

const bundleRoot = join(tmpdir(), `slipway-bundles-${process.pid}`);

/**
 * Builds `dist/<name>/index.js` afresh from the sources into a temp dir (once per test process) and
 * returns its path, so the tests exercise the bundle of the code under test, not a stale commit.
 */
export async function buildBundle(name: string): Promise<string> {
  const path = join(bundleRoot, name, 'index.js');
  if (!existsSync(path)) {
    mkdirSync(bundleRoot, { recursive: true });
    await promisify(execFile)(process.execPath, ['scripts/build.mjs', bundleRoot, name], { cwd: process.cwd() });
  }
  return path;
}

export interface ActionRunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** State saved by this step (handed to the post step). */
  state: Record<string, string>;
  /** What the step wrote to the job summary. */
  summary: string;
}

export interface ActionRunOptions {
  /** Inputs by their action.yml names (e.g. 'deployment-id'). */
  inputs?: Record<string, string>;
  /** Extra environment (GITHUB_* and the like); merged over a clean base. */
  env?: Record<string, string>;
  /** For the post step: the state the main step saved. */
  state?: Record<string, string>;
  cwd?: string;
  /** Milliseconds before the step is killed (default 60 s). */
  timeoutMs?: number;
  /**
   * Kills the step (SIGKILL, as a cancelled job's runner does) `delayMs` after its log first shows
   * `text`: a point in the run, not a time that a loaded machine would move.
   */
  killAfter?: { text: string; delayMs: number };
}

/** Runs one step (main, or post when `state` is given) of a bundled action as a child process. */
export async function runActionStep(bundle: string, options: ActionRunOptions = {}): Promise<ActionRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-step-'));
  const files = { GITHUB_OUTPUT: join(dir, 'output'), GITHUB_STATE: join(dir, 'state'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    RUNNER_TEMP: dir,
    GITHUB_ACTIONS: 'true',
    ...files,
    ...options.env,
  };
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  const child = spawn(process.execPath, [bundle], { cwd: options.cwd ?? dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killer: NodeJS.Timeout | undefined;
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    if (options.killAfter && !killer && stdout.includes(options.killAfter.text)) killer = setTimeout(() => child.kill('SIGKILL'), options.killAfter.delayMs);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  clearTimeout(timer);
  clearTimeout(killer);
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
  };
}

/** Parses the `name<<DELIM\nvalue\nDELIM` records of GITHUB_OUTPUT and GITHUB_STATE. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]);
      values[name] = body.join('\n');
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=');
      values[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return values;
}
