import { runCommand, tail } from '../process/index.js';
import { DeployError, type CommandDeploySpec, type Deployer, type DeployTarget } from './types.js';

/**
 * The variables a deploy command gets, besides the allow-listed environment and the names the
 * plan's `deploy.env` lists (docs/security.md): what to start, and where.
 */
export function deployEnvironment(target: DeployTarget): Record<string, string> {
  return {
    SLIPWAY_IMAGE_REF: target.imageRef,
    SLIPWAY_DIGEST: target.digest,
    SLIPWAY_SLOT: target.slot.name,
    SLIPWAY_SLOT_ADDRESS: target.slot.address ?? '',
    SLIPWAY_ENVIRONMENT: target.environment,
  };
}

/**
 * `deploy: {run: [argv…]}`: runs the user's command without a shell, with only the environment it
 * needs. A non-zero exit (or the time limit) is a failed deploy; the message ends with its output.
 */
export class CommandDeployer implements Deployer {
  readonly type = 'command';

  constructor(private readonly spec: CommandDeploySpec) {}

  async deploy(target: DeployTarget): Promise<void> {
    const result = await runCommand(this.spec.run, { env: deployEnvironment(target), passEnv: this.spec.env, timeoutMs: this.spec.timeoutSeconds * 1000 });
    if (result.code === 0) return;
    const output = tail([result.stdout, result.stderr].map((s) => s.trim()).filter(Boolean).join('\n'), 10);
    const exit = result.code === -1 ? 'could not run or was stopped after its timeout' : `exited with ${result.code}`;
    throw new DeployError('failed', `the deploy command ${this.spec.run[0]} ${exit}${output ? `: ${output}` : ''}`);
  }
}
