import { InputError } from '../../core/errors.js';
import { artifactFromRef } from '../../core/ledger/payload.js';
import type { ArtifactInfo } from '../../core/ledger/types.js';
import { parseHeaderLines } from '../../core/metrics/prometheus.js';
import { loadPlan, planDigest, type RolloutPlan } from '../../core/plan/index.js';
import type { RunContext } from '../common/context.js';
import { booleanInput, notifyInputs, optionalString, planTextInput, requiredString, secretHeadersInput, secretInput, urlInput } from '../common/inputs.js';
import { routerSettingsInput } from '../common/router-input.js';
import { Inputs } from './constants.js';

/** The rollout action's inputs, parsed and validated (the plan with the overrides applied). */
export interface RolloutInputs {
  plan: RolloutPlan;
  planDigest: string;
  environment: string;
  artifact: ArtifactInfo;
  ref: string;
  prometheusHeaders: Record<string, string>;
  environmentUrl?: string;
  prComment: boolean;
  irreversible: boolean;
  token: string;
}

/** Reads and validates every input, the plan included, before anything is read or changed. */
export function getInputs(context: RunContext): RolloutInputs {
  requiredString(Inputs.Plan, 'give the path of a plan file (e.g. .github/rollout.yml) or the plan as inline YAML');
  const { text: planText, source } = planTextInput(Inputs.Plan)!;
  const provider = optionalString(Inputs.Provider);
  const routerOverride = { ...routerSettingsInput(Inputs.Router, optionalString(Inputs.Router)), ...(provider === undefined ? {} : { provider }) };
  const plan = loadPlan(planText, source, {
    router: Object.keys(routerOverride).length > 0 ? routerOverride : undefined,
    prometheus: urlInput(Inputs.Prometheus),
    canarySelector: optionalString(Inputs.CanarySelector),
    baselineSelector: optionalString(Inputs.BaselineSelector),
    onFailure: optionalString(Inputs.OnFailure),
    onInconclusive: optionalString(Inputs.OnInconclusive),
    notify: notifyInputs({ url: Inputs.NotifyUrl, format: Inputs.NotifyFormat }),
  });
  const imageRef = requiredString(Inputs.ImageRef, 'pass the `image-ref` output of build-immutable-image (`name@sha256:<64 hex>`)');
  const artifact = artifactFromRef(imageRef);
  if (!artifact) throw new InputError(Inputs.ImageRef, imageRef, 'an immutable reference `name@sha256:<64 hex>`', 'tags move; pass the digest reference that build-immutable-image outputs');
  const ref = optionalString(Inputs.Ref) ?? context.source.sha;
  if (!ref) throw new InputError(Inputs.Ref, undefined, 'the commit to deploy', 'run inside GitHub Actions (GITHUB_SHA) or set `ref:`');
  return {
    plan,
    planDigest: planDigest(planText, plan),
    environment: requiredString(Inputs.Environment, 'name the GitHub environment, e.g. `environment: production`'),
    artifact,
    ref,
    prometheusHeaders: secretHeadersInput(Inputs.PrometheusHeaders, parseHeaderLines),
    environmentUrl: urlInput(Inputs.EnvironmentUrl),
    prComment: booleanInput(Inputs.PrComment, false),
    irreversible: booleanInput(Inputs.Irreversible, false),
    token: secretInput(Inputs.Token) ?? requiredString(Inputs.Token, 'pass `token: ${{ github.token }}` with `permissions: deployments: write`'),
  };
}
