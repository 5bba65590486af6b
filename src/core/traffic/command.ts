import { InputError, SlipwayError } from '../errors.js';
import { tail } from '../process/index.js';
import { LOCAL_HOST, type RouterHost } from './host.js';
import { checkWeight, SettingsReader } from './settings.js';
import type { TrafficRouter, TrafficState } from './types.js';

/** Settings of the command provider (the `router:` YAML). */
export interface CommandSettings {
  /** The user's executable and its arguments (a string split on spaces, or a list). */
  run: string[];
  /** Passed as SLIPWAY_STABLE_VERSION (default ''). */
  stableVersion: string;
  /** Passed as SLIPWAY_CANARY_VERSION (default ''). */
  canaryVersion: string;
  /** Milliseconds before the command is killed (default 60000). */
  timeoutMs: number;
  /** Variables passed through from the runner's environment besides the allow-list (docs/security.md). */
  env: string[];
}

const FIELDS = ['run', 'stableVersion', 'canaryVersion', 'timeoutMs', 'env'] as const;

/**
 * Validates the command `router:` settings. With `remote` (the router has `ssh:`) the command runs
 * on the router host, in that account's login environment: `env:` (runner variables) is refused.
 */
export function commandSettings(raw: Record<string, unknown>, { remote = false }: { remote?: boolean } = {}): CommandSettings {
  const read = new SettingsReader('command', raw);
  read.rejectUnknown(FIELDS);
  const run = read.command('run');
  if (!run) throw new SlipwayError("router.run is missing: expected the command to run, e.g. `run: ./deploy/set-weight.sh`.");
  if (remote && raw.env !== undefined && raw.env !== null) {
    // The runner's variables (often secrets) would have to travel on the remote command line.
    throw new InputError('router.env', raw.env, 'no runner variables with router.ssh: the command runs on the router host, in the login environment of router.ssh.user', 'remove router.env and set those variables on the router host (e.g. in the script itself or a file it reads)');
  }
  return {
    run,
    stableVersion: read.string('stableVersion', ''),
    canaryVersion: read.string('canaryVersion', ''),
    timeoutMs: read.integer('timeoutMs', { min: 100, max: 3_600_000 }, 60_000),
    env: read.envNames(),
  };
}

/** What the command is asked to do, in SLIPWAY_ACTION. */
export type CommandAction = 'describe' | 'set-weight' | 'promote' | 'abort';

/**
 * The user's own executable moves the traffic. It gets SLIPWAY_ACTION, SLIPWAY_CANARY_WEIGHT,
 * SLIPWAY_STABLE_VERSION and SLIPWAY_CANARY_VERSION, the allow-listed environment and the names in
 * `env:` — never the action's inputs or tokens; exit code 0 means done, anything else is an
 * error (the command is expected to leave traffic as it was). It may print the resulting canary
 * weight (a number, or JSON with `canaryWeight`); for `describe` it must, or the state reads as
 * unreachable.
 */
export class CommandRouter implements TrafficRouter {
  readonly type = 'command';

  constructor(
    private readonly settings: CommandSettings,
    private readonly host: RouterHost = LOCAL_HOST,
  ) {}

  async describe(): Promise<TrafficState> {
    const weight = await this.run('describe', undefined);
    return weight === undefined ? { ...this.state(0), reachable: false, detail: { ...this.detail(), note: 'the command printed no weight for describe' } } : this.state(weight);
  }

  async setCanaryWeight(percent: number): Promise<TrafficState> {
    const weight = checkWeight(percent);
    return this.state((await this.run('set-weight', weight)) ?? weight);
  }

  async promote(): Promise<TrafficState> {
    return this.state((await this.run('promote', 100)) ?? 100);
  }

  async abort(): Promise<TrafficState> {
    return this.state((await this.run('abort', 0)) ?? 0);
  }

  private async run(action: CommandAction, weight: number | undefined): Promise<number | undefined> {
    const env = {
      SLIPWAY_ACTION: action,
      SLIPWAY_CANARY_WEIGHT: weight === undefined ? '' : String(weight),
      SLIPWAY_STABLE_VERSION: this.settings.stableVersion,
      SLIPWAY_CANARY_VERSION: this.settings.canaryVersion,
    };
    const result = await this.host.run(this.settings.run, { env, passEnv: this.settings.env, timeoutMs: this.settings.timeoutMs });
    if (result.code !== 0) {
      // The outcome leads: a deployment status quoting this is cut at 140 characters.
      const on = this.host.remote ? ` on ${this.host.where}` : '';
      throw new SlipwayError(`The traffic command failed (exit ${result.code}) for ${action}${weight === undefined ? '' : ` ${weight}%`}: \`${this.settings.run.join(' ')}\`${on}:\n${tail(result.stderr + result.stdout)}`);
    }
    return parseWeight(result.stdout);
  }

  private state(canaryWeight: number): TrafficState {
    return { provider: this.type, canaryWeight, stableWeight: 100 - canaryWeight, headerRoutes: [], mirrorPercentage: 0, reachable: true, detail: this.detail() };
  }

  private detail(): Record<string, unknown> {
    return { command: this.settings.run.join(' '), stableVersion: this.settings.stableVersion, canaryVersion: this.settings.canaryVersion, ...(this.host.remote ? { host: this.host.where } : {}) };
  }
}

/** The weight a command printed on its last line: `25`, or JSON `{"canaryWeight": 25}`. */
export function parseWeight(stdout: string): number | undefined {
  const last = stdout.trim().split('\n').pop()?.trim() ?? '';
  if (/^\d{1,3}$/.test(last) && Number(last) <= 100) return Number(last);
  try {
    const value = (JSON.parse(last) as { canaryWeight?: unknown }).canaryWeight;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100 ? value : undefined;
  } catch {
    return undefined;
  }
}
