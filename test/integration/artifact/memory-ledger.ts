import type { CreateDeploymentRequest, EnvironmentInfo, Ledger, LedgerDeployment, StatusRequest } from '../../../src/core/ledger/types.js';
import { PAYLOAD_SCHEMA } from '../../../src/core/ledger/types.js';

/**
 * A test double of the `Ledger` interface (not a GitHub fake): deployments and environments in
 * memory, so the promotion logic can be tested against a real registry without GitHub.
 */
export class MemoryLedger implements Ledger {
  readonly deployments: LedgerDeployment[] = [];
  private readonly environments = new Map<string, EnvironmentInfo>();
  private nextId = 1;

  /** Declares an environment with its protection rules. */
  addEnvironment(name: string, protectionRules: string[] = []): this {
    this.environments.set(name, { name, protectionRules });
    return this;
  }

  /** Records a deployment of `imageRef` in `environment` with a final state. */
  async seed(environment: string, imageRef: string, state: 'success' | 'failure', sha = 'a'.repeat(40)): Promise<LedgerDeployment> {
    const d = await this.createDeployment({ environment, ref: sha, artifact: { ref: imageRef, digest: imageRef.slice(imageRef.indexOf('@') + 1) } });
    await this.setStatus(d.id, { state });
    return d;
  }

  async createDeployment(request: CreateDeploymentRequest): Promise<LedgerDeployment> {
    const deployment: LedgerDeployment = {
      id: this.nextId++,
      sha: request.ref,
      ref: request.ref,
      task: request.task ?? 'deploy',
      environment: request.environment,
      createdAt: new Date().toISOString(),
      creator: 'test',
      description: request.description ?? '',
      productionEnvironment: request.productionEnvironment ?? request.environment === 'production',
      transientEnvironment: false,
      payload: {
        schema: PAYLOAD_SCHEMA,
        artifact: request.artifact,
        source: { sha: request.ref, ref: 'refs/heads/main', runId: 1, runAttempt: 1, actor: 'test', workflow: 'test' },
        promotedFrom: request.promotedFrom,
      },
      latestStatus: null,
    };
    this.deployments.unshift(deployment);
    return deployment;
  }

  async setStatus(deploymentId: number, request: StatusRequest): Promise<number> {
    const d = this.deployments.find((x) => x.id === deploymentId);
    if (!d) throw new Error(`no deployment ${deploymentId}`);
    d.latestStatus = { id: this.nextId++, state: request.state, description: request.description ?? '', createdAt: new Date().toISOString(), logUrl: '', environmentUrl: '' };
    return d.latestStatus.id;
  }

  async getDeployment(deploymentId: number): Promise<LedgerDeployment | null> {
    return this.deployments.find((d) => d.id === deploymentId) ?? null;
  }

  async *history(environment: string, options: { statuses?: boolean } = {}): AsyncIterable<LedgerDeployment> {
    for (const d of this.deployments.filter((x) => x.environment === environment)) yield options.statuses === false ? { ...d, latestStatus: null } : d;
  }

  async latestStatus(deploymentId: number) {
    return this.deployments.find((d) => d.id === deploymentId)?.latestStatus ?? null;
  }

  async current(environment: string): Promise<LedgerDeployment | null> {
    return this.deployments.find((d) => d.environment === environment && d.latestStatus?.state === 'success') ?? null;
  }

  async lastGood(environment: string): Promise<LedgerDeployment | null> {
    return this.current(environment);
  }

  async findSuccessfulByDigest(environment: string, digest: string): Promise<LedgerDeployment | null> {
    return this.deployments.find((d) => d.environment === environment && d.latestStatus?.state === 'success' && d.payload?.artifact?.digest === digest) ?? null;
  }

  async getEnvironment(name: string): Promise<EnvironmentInfo | null> {
    return this.environments.get(name) ?? null;
  }
}
