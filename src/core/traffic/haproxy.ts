import { createConnection, type Socket } from 'node:net';
import { InputError, SlipwayError } from '../errors.js';
import { LOCAL_HOST, type RouterHost } from './host.js';
import { SettingsReader } from './settings.js';
import { SpecRouter, type RouteSpec } from './spec-router.js';

/** Settings of the haproxy provider (the `router:` YAML). */
export interface HaproxySettings {
  /** Runtime API: a unix socket path, or `host:port` of a TCP `stats socket`. */
  socket: string;
  /** The backend holding both servers. */
  backend: string;
  /** Server name of the stable version in that backend. */
  stable: string;
  /** Server name of the canary version in that backend. */
  canary: string;
  /** Pattern reference (file) of the ACL that routes to the canary with `use-server`; enables header routes. */
  routeAcl?: string;
  /** Header that ACL matches (default x-canary). */
  routeHeader: string;
  /** Milliseconds to wait for the runtime API (default 5000). */
  timeoutMs: number;
}

const FIELDS = ['socket', 'backend', 'stable', 'canary', 'routeAcl', 'routeHeader', 'timeoutMs'] as const;

/**
 * Validates the haproxy `router:` settings. With `remote` (the router has `ssh:`) the socket is a
 * Unix socket path on the router host: the SSH transport forwards Unix sockets only.
 */
export function haproxySettings(raw: Record<string, unknown>, { remote = false }: { remote?: boolean } = {}): HaproxySettings {
  const read = new SettingsReader('haproxy', raw);
  read.rejectUnknown(FIELDS);
  const settings: HaproxySettings = {
    socket: read.string('socket'),
    backend: read.haproxyName('backend'),
    stable: read.haproxyName('stable'),
    canary: read.haproxyName('canary'),
    routeAcl: read.optional('routeAcl', (field) => read.haproxyPatternReference(field)),
    routeHeader: read.string('routeHeader', 'x-canary').toLowerCase(),
    timeoutMs: read.integer('timeoutMs', { min: 100, max: 120_000 }, 5000),
  };
  if (remote && !settings.socket.startsWith('/')) {
    throw new InputError('router.socket', settings.socket, 'with router.ssh, the absolute path of the runtime API Unix socket on the router host', 'e.g. `socket: /run/haproxy/admin.sock` (haproxy.cfg: `stats socket /run/haproxy/admin.sock mode 660 group deploy level admin`)');
  }
  if (settings.stable === settings.canary) {
    throw new SlipwayError(`router.stable and router.canary both name the server '${settings.stable}': they must be two servers of backend '${settings.backend}'.`);
  }
  return settings;
}

/**
 * Drives an existing HAProxy through its runtime API: weights with `set weight` (no reload, so no
 * connection is ever dropped), header routes through the entries of an ACL the user's config uses
 * with `use-server <canary> if <acl>` (it wins at any weight, even 0). Slipway never edits
 * haproxy.cfg. Mirroring is not offered: HAProxy mirrors only through an SPOE agent.
 */
export class HaproxyRouter extends SpecRouter {
  readonly type = 'haproxy';

  constructor(
    private readonly settings: HaproxySettings,
    private readonly host: RouterHost = LOCAL_HOST,
  ) {
    super({ headerRoutes: settings.routeAcl !== undefined, mirror: false });
  }

  /** Server name → weight of every server of the backend; undefined when HAProxy has no such backend. */
  async backendServers(): Promise<Map<string, number> | undefined> {
    const { backend } = this.settings;
    const answer = await this.command(`show servers state ${backend}`);
    return /Can't find backend/i.test(answer) ? undefined : parseServersState(answer, backend);
  }

  protected async read(): Promise<RouteSpec> {
    const { backend, stable, canary } = this.settings;
    const weights = parseServersState(await this.command(`show servers state ${backend}`), backend);
    for (const server of [stable, canary]) {
      if (!weights.has(server)) {
        throw new SlipwayError(
          `HAProxy backend '${backend}' has no server '${server}' (servers: ${[...weights.keys()].join(', ') || 'none'}). Fix: name servers of that backend in router.stable and router.canary, or with slots in each slot's \`server:\`.`,
        );
      }
    }
    const stableWeight = weights.get(stable) ?? 0;
    const canaryWeight = weights.get(canary) ?? 0;
    const total = stableWeight + canaryWeight;
    return {
      canaryWeight: total === 0 ? 0 : Math.round((100 * canaryWeight) / total),
      headerRoutes: this.settings.routeAcl ? await this.readRoutes(this.settings.routeAcl) : [],
      mirrorPercentage: 0,
    };
  }

  protected async write(next: RouteSpec, previous: RouteSpec): Promise<void> {
    // Routes are rewritten only when they change: `clear acl` leaves a moment without them.
    const routesChanged = JSON.stringify(next.headerRoutes) !== JSON.stringify(previous.headerRoutes);
    const commands = [
      ...(next.canaryWeight !== previous.canaryWeight ? this.weightCommands(next.canaryWeight, previous.canaryWeight) : []),
      ...(routesChanged ? this.routeCommands(next) : []),
    ];
    const answer = await this.command(commands.join('; '));
    const problem = runtimeError(answer);
    if (problem) {
      // Put back what may already have applied before the failing command.
      await this.command([...this.weightCommands(previous.canaryWeight, next.canaryWeight), ...(routesChanged ? this.routeCommands(previous) : [])].join('; ')).catch(() => '');
      throw new SlipwayError(`HAProxy refused the change (${commands.join('; ')}): ${problem}. Traffic was left as it was.`);
    }
  }

  protected render(spec: RouteSpec): string[] {
    return this.routeCommands(spec);
  }

  protected detail(): Record<string, unknown> {
    const { socket, backend, stable, canary } = this.settings;
    return { socket, backend, stableServer: stable, canaryServer: canary, ...(this.host.remote ? { host: this.host.where } : {}) };
  }

  /** Raises first the server gaining weight, so there is never a moment with both at 0. */
  private weightCommands(canaryWeight: number, fromCanaryWeight: number): string[] {
    const { backend, stable, canary } = this.settings;
    const setCanary = `set weight ${backend}/${canary} ${canaryWeight}`;
    const setStable = `set weight ${backend}/${stable} ${100 - canaryWeight}`;
    return canaryWeight >= fromCanaryWeight ? [setCanary, setStable] : [setStable, setCanary];
  }

  private routeCommands(spec: RouteSpec): string[] {
    const acl = this.settings.routeAcl;
    if (!acl) return [];
    for (const route of spec.headerRoutes) {
      if ((route.kind ?? 'header') !== 'header' || route.name.toLowerCase() !== this.settings.routeHeader) {
        throw new SlipwayError(
          `The HAProxy route ACL matches the header '${this.settings.routeHeader}', not ${route.kind ?? 'header'} '${route.name}'. Fix: route on '${this.settings.routeHeader}', or set router.routeHeader to the header your haproxy.cfg ACL reads.`,
        );
      }
      checkRuntimeWord(route.value);
    }
    return [`clear acl ${acl}`, ...spec.headerRoutes.map((r) => `add acl ${acl} ${r.value}`)];
  }

  private async readRoutes(acl: string): Promise<{ name: string; value: string }[]> {
    const answer = await this.command(`show acl ${acl}`);
    const problem = runtimeError(answer);
    if (problem) throw new SlipwayError(`HAProxy cannot list the route ACL '${acl}': ${problem}. Fix: router.routeAcl must be the file your haproxy.cfg ACL loads with -f.`);
    return answer
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts.length === 2)
      .map(([, value]) => ({ name: this.settings.routeHeader, value }));
  }

  /** Sends one line of commands (`;`-separated) and returns the whole answer. */
  private async command(line: string): Promise<string> {
    const { socket, timeoutMs } = this.settings;
    // On a router host reached over SSH, the socket is spoken to through a forward of it.
    const target = await this.host.reachSocket(socket);
    const where = this.host.remote ? `${socket} on ${this.host.where}` : socket;
    return new Promise((resolve, reject) => {
      const tcp = /^(.+):(\d+)$/.exec(target);
      const connection: Socket = tcp && !target.includes('/') ? createConnection({ host: tcp[1], port: Number(tcp[2]) }) : createConnection({ path: target });
      let answer = '';
      connection.setTimeout(timeoutMs, () => connection.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      connection.on('connect', () => connection.end(`${line}\n`));
      connection.on('data', (d: Buffer) => (answer += d.toString()));
      connection.on('end', () => resolve(answer));
      connection.on('error', (error: NodeJS.ErrnoException) =>
        reject(
          new SlipwayError(
            `Cannot reach the HAProxy runtime API at ${where} (${error.code ?? error.message}). Fix: check that HAProxy runs and its global section has \`stats socket ${socket} level admin\`; nothing was changed.`,
          ),
        ),
      );
    });
  }
}

/** Server name → user weight, from the answer to `show servers state <backend>`. */
export function parseServersState(answer: string, backend: string): Map<string, number> {
  const problem = runtimeError(answer);
  if (problem) throw new SlipwayError(`HAProxy cannot show backend '${backend}': ${problem}. Fix: set router.backend to a backend of your haproxy.cfg.`);
  const header = answer.split('\n').find((l) => l.startsWith('# be_id'));
  if (!header) throw new SlipwayError(`Unexpected answer from HAProxy to 'show servers state ${backend}': ${answer.slice(0, 200)}`);
  const columns = header.slice(2).split(' ');
  const name = columns.indexOf('srv_name');
  const weight = columns.indexOf('srv_uweight');
  const weights = new Map<string, number>();
  for (const line of answer.split('\n')) {
    if (line === '' || line.startsWith('#') || /^\d+$/.test(line)) continue;
    const fields = line.split(' ');
    weights.set(fields[name], Number(fields[weight]));
  }
  return weights;
}

/**
 * Throws unless a route value is one runtime API word: visible ASCII without ';' (ends a
 * command), '\' (an escape) or '<' (a trailing '<<' starts a payload). Settings are checked by
 * their readers; route values come from the step, so they are checked here, before the command
 * line that would carry them is sent.
 */
function checkRuntimeWord(value: string): void {
  if (!/^[!-~]+$/.test(value) || /[;\\<]/.test(value)) {
    throw new SlipwayError(
      `A HAProxy route value must be visible ASCII characters without spaces, ';', '\\' or '<' (got ${JSON.stringify(value)}): the runtime API would read them as command syntax. Fix: route on a plain value such as \`always\`; nothing was changed.`,
    );
  }
}

/** The error text in a runtime API answer, or undefined when it only holds blank lines or data. */
function runtimeError(answer: string): string | undefined {
  const known = /(No such|Can't find|Unknown command|can only be|Require|Permission denied|not found|Unknown ACL|invalid|cannot|Missing)/i;
  // Data lines (ACL entries `0x… value`, server rows `3 app …`) are never errors.
  const line = answer.split('\n').find((l) => !/^(0x[0-9a-f]+ |\d|#)/.test(l) && known.test(l));
  return line?.trim().replace(/\.$/, '');
}
