// In-memory TEST DOUBLES of the Ledger and TrafficRouter interfaces, for unit tests of the rollout
// engine and rollback logic. They keep the documented semantics of the interfaces (newest first,
// previousGood filled from the last good, `lastGood` skipping rolled-back deployments); the real
// GitHubLedger and routers are exercised against the simulator and real servers in test/integration.
import type { CreateDeploymentRequest, DeploymentPayload, Ledger, LedgerDeployment, StatusRequest } from '../../../../src/core/ledger/types.js';
import type { HeaderRoute, TrafficRouter, TrafficState } from '../../../../src/core/traffic/types.js';

/** A Ledger kept in memory; `calls` counts every operation. */
export class LedgerDouble implements Ledger {
  deployments: LedgerDeployment[] = [];
  statuses = new Map<number, StatusRequest[]>();
  calls: string[] = [];
  /** History items handed out (each costs GitHub one status read). */
  historyItemsRead = 0;
  private nextId = 100;
  private tick = 0;

  /** Adds a deployment directly (a history to roll back through); returns it. */
  seed(environment: string, options: { digest?: string; sha?: string; states?: StatusRequest['state'][]; payload?: Partial<DeploymentPayload> | null; task?: string } = {}): LedgerDeployment {
    const id = this.nextId++;
    const digest = options.digest ?? `sha256:${String(id).padStart(64, '0')}`;
    const payload: DeploymentPayload | null =
      options.payload === null
        ? null
        : {
            schema: 'slipway/v1',
            artifact: { ref: `registry.test/app@${digest}`, digest },
            source: { sha: `sha${id}`, ref: 'refs/heads/main', runId: id, runAttempt: 1, actor: 'dev', workflow: 'deploy' },
            previousGood: this.lastGoodSync(environment)?.id ?? null,
            ...options.payload,
          };
    const deployment: LedgerDeployment = {
      id,
      sha: options.sha ?? `sha${id}`,
      ref: options.sha ?? `sha${id}`,
      task: options.task ?? 'deploy',
      environment,
      createdAt: this.time(),
      creator: 'slipway',
      description: '',
      productionEnvironment: environment === 'production',
      transientEnvironment: false,
      payload,
      latestStatus: null,
    };
    this.deployments.push(deployment);
    for (const state of options.states ?? []) this.applyStatus(id, { state });
    return structuredClone(deployment);
  }

  async createDeployment(request: CreateDeploymentRequest): Promise<LedgerDeployment> {
    this.calls.push('createDeployment');
    const created = this.seed(request.environment, {
      digest: request.artifact?.digest,
      sha: request.ref,
      task: request.task,
      payload: {
        rollbackOf: request.rollbackOf,
        planDigest: request.planDigest,
        strategy: request.strategy,
        irreversible: request.irreversible,
        ...(request.slot ? { slot: request.slot } : {}),
        ...(request.artifact ? { artifact: request.artifact } : {}),
        ...(request.previousGood !== undefined ? { previousGood: request.previousGood } : {}),
      },
    });
    return created;
  }

  async setStatus(deploymentId: number, request: StatusRequest): Promise<number> {
    this.calls.push(`setStatus ${request.state}`);
    return this.applyStatus(deploymentId, request);
  }

  async getDeployment(deploymentId: number): Promise<LedgerDeployment | null> {
    this.calls.push('getDeployment');
    const found = this.deployments.find((d) => d.id === deploymentId);
    return found ? structuredClone(found) : null;
  }

  async *history(environment: string, options: { statuses?: boolean } = {}): AsyncIterable<LedgerDeployment> {
    this.calls.push('history');
    for (const d of [...this.deployments].reverse()) {
      if (d.environment !== environment || !d.payload) continue;
      this.historyItemsRead++;
      yield options.statuses === false ? { ...structuredClone(d), latestStatus: null } : structuredClone(d);
    }
  }

  async latestStatus(deploymentId: number) {
    this.calls.push('latestStatus');
    return structuredClone(this.deployments.find((d) => d.id === deploymentId)?.latestStatus ?? null);
  }

  async current(environment: string): Promise<LedgerDeployment | null> {
    this.calls.push('current');
    return structuredClone([...this.deployments].reverse().find((d) => d.environment === environment && d.payload && d.latestStatus?.state === 'success') ?? null);
  }

  async lastGood(environment: string): Promise<LedgerDeployment | null> {
    this.calls.push('lastGood');
    return structuredClone(this.lastGoodSync(environment));
  }

  async findSuccessfulByDigest(environment: string, digest: string): Promise<LedgerDeployment | null> {
    this.calls.push('findSuccessfulByDigest');
    const rolledBack = this.rolledBack();
    return structuredClone(
      [...this.deployments].reverse().find((d) => d.environment === environment && d.payload?.artifact?.digest === digest && this.reachedSuccess(d.id) && !rolledBack.has(d.id)) ?? null,
    );
  }

  async getEnvironment(name: string) {
    return { name, protectionRules: [] };
  }

  /** The statuses a deployment received, oldest first. */
  statesOf(id: number): string[] {
    return (this.statuses.get(id) ?? []).map((s) => s.state);
  }

  /** The last status description of a deployment. */
  descriptionOf(id: number): string {
    return this.deployments.find((d) => d.id === id)?.latestStatus?.description ?? '';
  }

  private applyStatus(id: number, request: StatusRequest): number {
    const deployment = this.deployments.find((d) => d.id === id);
    if (!deployment) throw new Error(`no deployment ${id}`);
    this.statuses.set(id, [...(this.statuses.get(id) ?? []), request]);
    deployment.latestStatus = { id: this.nextId++, state: request.state, description: request.description ?? '', createdAt: this.time(), logUrl: '', environmentUrl: request.environmentUrl ?? '' };
    return deployment.latestStatus.id;
  }

  private lastGoodSync(environment: string): LedgerDeployment | null {
    const rolledBack = this.rolledBack();
    return [...this.deployments].reverse().find((d) => d.environment === environment && d.payload && ['success', 'inactive'].includes(d.latestStatus?.state ?? '') && !rolledBack.has(d.id)) ?? null;
  }

  private rolledBack(): Set<number> {
    return new Set(this.deployments.map((d) => d.payload?.rollbackOf).filter((id): id is number => typeof id === 'number'));
  }

  private reachedSuccess(id: number): boolean {
    return this.statesOf(id).includes('success');
  }

  private time(): string {
    return new Date(Date.UTC(2026, 0, 1) + 60_000 * this.tick++).toISOString();
  }
}

/** A TrafficRouter kept in memory that records every call; `failOn` makes the operations it names throw. */
export class RouterDouble implements TrafficRouter {
  readonly type = 'double';
  state: TrafficState = { provider: 'double', canaryWeight: 0, stableWeight: 100, headerRoutes: [], mirrorPercentage: 0, reachable: true };
  calls: string[] = [];
  failOn?: string | string[];

  async describe() {
    this.calls.push('describe');
    return { ...this.state };
  }
  async setCanaryWeight(percent: number) {
    this.record(`setCanaryWeight ${percent}`);
    this.state = { ...this.state, canaryWeight: percent, stableWeight: 100 - percent };
    return { ...this.state };
  }
  async promote() {
    this.record('promote');
    this.state = { ...this.state, canaryWeight: 100, stableWeight: 0, headerRoutes: [], mirrorPercentage: 0 };
    return { ...this.state };
  }
  async abort() {
    this.record('abort');
    this.state = { ...this.state, canaryWeight: 0, stableWeight: 100, headerRoutes: [], mirrorPercentage: 0 };
    return { ...this.state };
  }
  async setHeaderRoute(route: HeaderRoute | null) {
    this.record(`setHeaderRoute ${route ? `${route.name}=${route.value}` : 'none'}`);
    this.state = { ...this.state, headerRoutes: route ? [route] : [] };
    return { ...this.state };
  }
  async setMirror(percent: number) {
    this.record(`setMirror ${percent}`);
    this.state = { ...this.state, mirrorPercentage: percent };
    return { ...this.state };
  }
  private record(call: string) {
    this.calls.push(call);
    if ([this.failOn ?? []].flat().some((prefix) => call.startsWith(prefix))) throw new Error(`router double: ${call} failed`);
  }
}
