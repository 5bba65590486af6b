import { InputError } from '../../core/errors.js';
import { parsePinnedReference } from '../../core/artifact/reference.js';
import type { ArtifactInfo, DeploymentTask } from '../../core/ledger/index.js';
import type { RunContext } from '../common/context.js';
import { booleanInput, choiceInput, integerInput, listInput, optionalString, secretInput, urlInput } from '../common/inputs.js';
import { Inputs, STATES, TASKS } from './constants.js';

/** What `state:` asks for. */
export type RecordState = (typeof STATES)[number];

/** record-deployment's inputs, validated: either a start or an update of one deployment. */
export interface RecordDeploymentInputs {
  state: RecordState;
  /** Required for start; for updates only shown in the summary. */
  environment?: string;
  /** Set for every state but start. */
  deploymentId?: number;
  /** The commit to deploy (used by start). */
  ref: string;
  artifact?: ArtifactInfo;
  environmentUrl?: string;
  description?: string;
  task: DeploymentTask;
  strategy?: string;
  /** Undefined: GitHub's rule (true only for `production`). */
  productionEnvironment?: boolean;
  transientEnvironment: boolean;
  autoInactive: boolean;
  requiredContexts: string[];
  autoMerge: boolean;
  token: string;
}

/** Reads and validates every input before anything is written to GitHub. */
export function getInputs(context: RunContext): RecordDeploymentInputs {
  const token = secretInput(Inputs.Token);
  if (!token) throw new InputError(Inputs.Token, undefined, 'a GitHub token', 'leave `token:` out to use `github.token`, and give the job `permissions: deployments: write`');
  const state = choiceInput(Inputs.State, STATES, 'start');
  const environment = optionalString(Inputs.Environment);
  const deploymentId = integerInput(Inputs.DeploymentId, { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (state === 'start') {
    if (!environment) throw new InputError(Inputs.Environment, environment, 'the GitHub environment to deploy to, e.g. staging', 'set `environment:` under `with:`');
    if (deploymentId !== undefined) {
      throw new InputError(Inputs.DeploymentId, String(deploymentId), 'no value with `state: start` (start creates a new deployment)', `to update deployment ${deploymentId}, set \`state:\` to the new status`);
    }
  } else if (deploymentId === undefined) {
    throw new InputError(Inputs.DeploymentId, undefined, `the id of the deployment to set to ${state}`, 'pass `${{ steps.<start step id>.outputs.deployment-id }}` from the step with `state: start`');
  }
  const ref = optionalString(Inputs.Ref) ?? context.source.sha;
  if (!ref && state === 'start') throw new InputError(Inputs.Ref, ref, 'a commit sha or ref to deploy', 'run inside GitHub Actions (GITHUB_SHA), or set `ref:`');
  const imageRef = optionalString(Inputs.ImageRef);
  const artifact = imageRef === undefined ? undefined : { ref: imageRef, digest: parsePinnedReference(Inputs.ImageRef, imageRef).digest };
  const production = optionalString(Inputs.ProductionEnvironment);
  return {
    state,
    environment,
    deploymentId,
    ref,
    artifact,
    environmentUrl: urlInput(Inputs.EnvironmentUrl),
    description: optionalString(Inputs.Description),
    task: choiceInput(Inputs.Task, TASKS, 'deploy'),
    strategy: optionalString(Inputs.Strategy),
    productionEnvironment: production === undefined ? undefined : booleanInput(Inputs.ProductionEnvironment, false),
    transientEnvironment: booleanInput(Inputs.TransientEnvironment, false),
    autoInactive: booleanInput(Inputs.AutoInactive, true),
    requiredContexts: listInput(Inputs.RequiredContexts),
    autoMerge: booleanInput(Inputs.AutoMerge, false),
    token,
  };
}
