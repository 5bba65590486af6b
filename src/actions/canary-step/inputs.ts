import { InputError } from '../../core/errors.js';
import { createRouter, type RouterOptions } from '../../core/traffic/registry.js';
import type { HeaderRoute, TrafficRouter } from '../../core/traffic/types.js';
import { parseWeight } from '../../core/values/index.js';
import { booleanInput, choiceInput, inlineOrFileInput, integerInput, optionalString, parsedInput, secretInput, urlInput } from '../common/inputs.js';
import { routerSettingsInput } from '../common/router-input.js';
import { ACTIONS, Inputs } from './constants.js';

/** What a step does. */
export type StepAction = (typeof ACTIONS)[number];

/** canary-step's inputs, validated. */
export interface CanaryStepInputs {
  provider?: string;
  /** The provider settings, parsed (the router is made from them). */
  settings: Record<string, unknown>;
  action: StepAction;
  /** The weight for set-weight. */
  weight?: number;
  /** A header route to add (`null`: remove the routes; undefined: leave them). */
  headerRoute?: HeaderRoute | null;
  mirrorPercentage?: number;
  smokeUrl?: string;
  deploymentId?: number;
  abortOnFailure: boolean;
  token?: string;
}

/** Reads and validates every input, and makes the router (its host from `routerOptions`), before anything is changed. */
export function getInputs(routerOptions: RouterOptions = {}): { inputs: CanaryStepInputs; router: TrafficRouter } {
  const settings = routerSettingsInput(Inputs.Router, inlineOrFileInput(Inputs.Router));
  if (!settings) throw new InputError(Inputs.Router, undefined, 'the YAML settings of the traffic provider', 'e.g. `router: {socket: /run/haproxy/admin.sock, backend: app, stable: blue, canary: green}` (see docs/traffic.md)');
  const action = choiceInput(Inputs.Action, ACTIONS, 'set-weight');
  const weight = parsedInput(Inputs.Weight, parseWeight);
  if (action === 'set-weight' && weight === undefined) throw new InputError(Inputs.Weight, undefined, 'the canary\'s percent of traffic, a whole number from 0 to 100', 'set `weight:` with `action: set-weight`');
  if (action !== 'set-weight' && weight !== undefined) throw new InputError(Inputs.Weight, String(weight), `no weight with \`action: ${action}\``, 'use `action: set-weight` to choose a weight');
  const inputs: CanaryStepInputs = {
    provider: optionalString(Inputs.Provider),
    settings,
    action,
    weight,
    headerRoute: headerRouteInput(),
    mirrorPercentage: parsedInput(Inputs.MirrorPercentage, parseWeight),
    smokeUrl: urlInput(Inputs.SmokeUrl),
    deploymentId: integerInput(Inputs.DeploymentId, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    abortOnFailure: booleanInput(Inputs.AbortOnFailure, true),
    token: secretInput(Inputs.Token),
  };
  if (inputs.deploymentId !== undefined && !inputs.token) {
    throw new InputError(Inputs.Token, undefined, 'a GitHub token to record the step on the deployment', 'leave `token:` out to use `github.token`, and give the job `permissions: deployments: write`');
  }
  const router = createRouter(inputs.provider, settings, routerOptions);
  // Capabilities are checked here, so a step never moves the weight and then fails on a route.
  if (inputs.headerRoute && !router.setHeaderRoute) throw new InputError(Inputs.HeaderRoute, optionalString(Inputs.HeaderRoute), `no header route: the ${router.type} router has none`, 'use haproxy (with routeAcl), nginx, gateway-api, istio or ingress-nginx');
  if (inputs.mirrorPercentage !== undefined && !router.setMirror) {
    throw new InputError(Inputs.MirrorPercentage, String(inputs.mirrorPercentage), `no mirroring: the ${router.type} router cannot mirror${router.type === 'haproxy' ? ' (HAProxy mirrors only through an SPOE agent)' : ''}`, 'use nginx, gateway-api or istio for a dark launch');
  }
  return { inputs, router };
}

/** `x-canary: always` (a header), `cookie: canary=always` (a cookie), or `off` (remove routes). */
function headerRouteInput(): HeaderRoute | null | undefined {
  const value = optionalString(Inputs.HeaderRoute);
  if (value === undefined) return undefined;
  if (value === 'off') return null;
  const cookie = /^cookie:\s*([A-Za-z0-9_-]+)=(\S+)$/i.exec(value);
  if (cookie) return { name: cookie[1], value: cookie[2], kind: 'cookie' };
  const header = /^([A-Za-z0-9-]+):\s*(\S+)$/.exec(value);
  if (header) return { name: header[1], value: header[2] };
  throw new InputError(Inputs.HeaderRoute, value, '`<header>: <value>` (e.g. `x-canary: always`), `cookie: <name>=<value>`, or `off`');
}
