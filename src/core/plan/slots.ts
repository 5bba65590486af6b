import { SlipwayError, InputError } from '../errors.js';
import type { DeploySpec, PlanDeploy, ReadyCheck, Slot } from '../deploy/types.js';
import { parseEnvNames } from '../process/index.js';
import { parseDuration, ValueError } from '../values/index.js';
import type { NodePath } from './parse.js';
import type { RolloutPlan } from './plan.js';
import { isRecord } from '../objects.js';

// The plan's `slots:` and `deploy:` (docs/rollout.md, "Slots and the deploy step"): the two places
// versions take turns in, and how a new version is started in the idle one. The router's stable
// and canary settings come from the slots, turned each release to the slots the ledger says.

/** How a slot fills a router's stable and canary settings. */
interface SlotRouterFields {
  /** The slot's field that names it to this router. */
  field: 'server' | 'address' | 'service' | 'name';
  stable: string;
  canary: string;
  /** What the field is, for errors. */
  what: string;
  example: string;
}

/** The providers that can alternate slots, and which slot field each reads. */
export const SLOT_ROUTER_FIELDS: Readonly<Record<string, SlotRouterFields>> = {
  haproxy: { field: 'server', stable: 'stable', canary: 'canary', what: 'the server of the backend that runs the slot', example: 'server: blue' },
  nginx: { field: 'address', stable: 'stable', canary: 'canary', what: 'the `host:port` the slot answers on', example: 'address: 10.0.0.1:8080' },
  'gateway-api': { field: 'service', stable: 'stableService', canary: 'canaryService', what: 'the Service in front of the slot', example: 'service: shop-blue' },
  smi: { field: 'service', stable: 'stableService', canary: 'canaryService', what: 'the Service in front of the slot', example: 'service: shop-blue' },
  istio: { field: 'service', stable: 'stableHost', canary: 'canaryHost', what: 'the host (Service) in front of the slot', example: 'service: shop-blue' },
  command: { field: 'name', stable: 'stableVersion', canary: 'canaryVersion', what: "the slot's name", example: 'blue: {}' },
};

/** A slot name: it is recorded in the ledger, put into Kubernetes names ({slot}) and status lines. */
const SLOT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const SLOT_KEYS = ['server', 'address', 'service'];
const DEPLOY_KEYS = ['run', 'env', 'timeout', 'kubernetes', 'ready'];
const KUBERNETES_KEYS = ['deployment', 'container', 'namespace', 'context', 'timeout'];
const READY_KEYS = ['url', 'timeout'];
// The router re-checks every value with its own grammar (src/core/traffic/settings.ts); these
// catch the common mistakes at the slot's own line.
const GRAMMARS = {
  server: { pattern: /^[A-Za-z0-9_.:-]+$/, expected: "a HAProxy server name (letters, digits, '-', '_', '.', ':')" },
  address: { pattern: /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/, expected: 'a `host:port` address' },
  service: { pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/, expected: "a Kubernetes Service name (lower-case letters, digits and '-', starting with a letter)" },
} as const;
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const KUBERNETES_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_COMMAND_TIMEOUT = 600;
const DEFAULT_ROLLOUT_STATUS_TIMEOUT = 300;
const DEFAULT_READY_TIMEOUT = 60;

type Raw = Record<string, unknown>;
type Report = (path: NodePath, message: string) => void;

/**
 * Reads `slots:` and `deploy:` (they go together) and, with slots, fills the router's stable and
 * canary settings from them (the first slot stable). Every problem goes to `report`.
 */
export function slotsOf(raw: Raw, router: RolloutPlan['router'] | undefined, report: Report): Pick<RolloutPlan, 'slots' | 'deploy'> & { router?: RolloutPlan['router'] } {
  if (raw.slots === undefined && raw.deploy === undefined) return { router };
  if (raw.slots === undefined) {
    report(['deploy'], 'the deploy step starts the new version in a slot: add `slots:` with the two slots versions take turns in, e.g. `slots: {blue: {server: blue, address: 10.0.0.1:8080}, green: {server: green, address: 10.0.0.2:8080}}`');
    return { router };
  }
  const slots = slotList(raw.slots, report);
  if (raw.deploy === undefined) report(['slots'], 'slots need `deploy:` to start each new version in the idle slot, e.g. `deploy: {run: [./deploy.sh], ready: {url: "http://{address}/healthz"}}`');
  const deploy = raw.deploy === undefined || !slots ? undefined : deployOf(raw.deploy, slots, report);
  if (!slots || !router) return { slots, deploy, router };
  const fields = SLOT_ROUTER_FIELDS[router.provider];
  if (!fields) {
    const why = router.provider === 'ingress-nginx' ? "its stable Service is the one your own Ingress names, which cannot alternate" : 'it has no stable and canary settings to fill';
    report(['router', 'provider'], `${router.provider} cannot take slots (${why}). Fix: use one of ${Object.keys(SLOT_ROUTER_FIELDS).join(', ')}, or drop \`slots:\` and name stable and canary in \`router:\``);
    return { slots, deploy, router };
  }
  for (const key of [fields.stable, fields.canary]) {
    if (router.settings[key] !== undefined) {
      report(['router', key], `with \`slots:\` the ${router.provider} router's ${key} comes from the slots (${slots.map((s) => `${s.name}: ${slotValue(s, fields) ?? '?'}`).join(', ')}). Fix: remove router.${key}`);
    }
  }
  if (fields.field !== 'name') {
    for (const slot of slots) {
      if (slot[fields.field] === undefined) report(['slots', slot.name], `the ${router.provider} router needs each slot's \`${fields.field}:\`, ${fields.what}, e.g. \`${slot.name}: {${fields.example}}\``);
    }
  }
  return { slots, deploy, router: { provider: router.provider, settings: slotRouterSettings({ router, slots }, slots[1].name) } };
}

function slotList(value: unknown, report: Report): [Slot, Slot] | undefined {
  if (!isRecord(value) || Object.keys(value).length !== 2) {
    report(['slots'], `expected exactly two slots, e.g. \`slots: {blue: {server: blue}, green: {server: green}}\`, got ${Array.isArray(value) ? 'a list' : isRecord(value) ? `${Object.keys(value).length}` : JSON.stringify(value)}`);
    return undefined;
  }
  const slots: Slot[] = [];
  for (const [name, settings] of Object.entries(value)) {
    const path = ['slots', name];
    if (!SLOT_NAME.test(name)) report(path, `"${name}" is not a slot name: lower-case letters, digits and '-', starting with a letter, at most 31 (it goes into Kubernetes names and the ledger), e.g. blue`);
    if (settings !== null && !isRecord(settings)) {
      report(path, `expected the slot's settings as a mapping, e.g. \`${name}: {server: ${name}, address: 10.0.0.1:8080}\``);
      continue;
    }
    const slot: Slot = { name };
    for (const [key, raw] of Object.entries(settings ?? {})) {
      if (!SLOT_KEYS.includes(key)) {
        report([...path, key], `unknown field; expected one of ${SLOT_KEYS.join(', ')}`);
        continue;
      }
      const grammar = GRAMMARS[key as keyof typeof GRAMMARS];
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (typeof text !== 'string' || !grammar.pattern.test(text)) report([...path, key], `${JSON.stringify(raw)} is not ${grammar.expected}`);
      else slot[key as keyof typeof GRAMMARS] = text;
    }
    slots.push(slot);
  }
  for (const key of SLOT_KEYS as (keyof typeof GRAMMARS)[]) {
    if (slots[0][key] !== undefined && slots[0][key] === slots[1][key]) report(['slots', slots[1].name, key], `both slots name ${key} ${slots[0][key]}: each slot runs its own version, so they need two`);
  }
  return [slots[0], slots[1]];
}

function deployOf(value: unknown, slots: [Slot, Slot], report: Report): PlanDeploy | undefined {
  const path = ['deploy'];
  if (!isRecord(value)) {
    report(path, 'expected `deploy: {run: [./deploy.sh]}` or `deploy: {kubernetes: {deployment: shop-{slot}, container: app}}`');
    return undefined;
  }
  for (const key of Object.keys(value)) if (!DEPLOY_KEYS.includes(key)) report([...path, key], `unknown field; expected one of ${DEPLOY_KEYS.join(', ')}`);
  const ready = value.ready === undefined ? undefined : readyOf(value.ready, slots, report);
  let spec: DeploySpec | undefined;
  if ((value.run === undefined) === (value.kubernetes === undefined)) {
    report(path, 'give one way to start the new version: `run: [argv…]` (your command) or `kubernetes: {deployment, container}`');
  } else if (value.run !== undefined) {
    spec = commandOf(value, report);
  } else {
    for (const key of ['env', 'timeout']) if (value[key] !== undefined) report([...path, key], '`env` and `timeout` belong to `run:`; a Kubernetes deploy takes its timeout in `kubernetes:`');
    spec = kubernetesOf(value.kubernetes, slots, report);
  }
  return spec && { spec, ...(ready ? { ready } : {}) };
}

function commandOf(value: Raw, report: Report): DeploySpec | undefined {
  const run = typeof value.run === 'string' ? value.run.trim().split(/\s+/).filter(Boolean) : value.run;
  if (!Array.isArray(run) || run.length === 0 || !run.every((word) => typeof word === 'string' && word !== '')) {
    report(['deploy', 'run'], `${JSON.stringify(value.run)} is not a command: give its argv as a list of strings, e.g. \`run: [./deploy.sh, --wait]\` (no shell reads it)`);
    return undefined;
  }
  let env: string[] = [];
  try {
    env = parseEnvNames('deploy.env', value.env);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    report(['deploy', 'env'], error.message);
  }
  const timeoutSeconds = durationOf(value.timeout, DEFAULT_COMMAND_TIMEOUT, ['deploy', 'timeout'], report);
  return timeoutSeconds === undefined ? undefined : { provider: 'command', run: run as string[], env, timeoutSeconds };
}

function kubernetesOf(value: unknown, slots: [Slot, Slot], report: Report): DeploySpec | undefined {
  const path = ['deploy', 'kubernetes'];
  if (!isRecord(value)) {
    report(path, 'expected `kubernetes: {deployment: shop-{slot}, container: app, namespace: shop}`');
    return undefined;
  }
  for (const key of Object.keys(value)) if (!KUBERNETES_KEYS.includes(key)) report([...path, key], `unknown field; expected one of ${KUBERNETES_KEYS.join(', ')}`);
  let ok = true;
  const { deployment, container, namespace, context } = value;
  if (typeof deployment !== 'string' || !deployment.includes('{slot}')) {
    report([...path, 'deployment'], `${JSON.stringify(deployment)} does not name a Deployment per slot. Fix: put {slot} in it, e.g. \`deployment: shop-{slot}\` (shop-${slots[0].name} and shop-${slots[1].name})`);
    ok = false;
  } else {
    const bad = slots.map((slot) => deployment.replaceAll('{slot}', slot.name)).find((name) => !KUBERNETES_NAME.test(name) || name.length > 253);
    if (bad !== undefined) {
      report([...path, 'deployment'], `${JSON.stringify(deployment)} gives "${bad}", not a Kubernetes object name (lower-case letters, digits, '-' and '.')`);
      ok = false;
    }
  }
  if (typeof container !== 'string' || !KUBERNETES_LABEL.test(container) || container.length > 63) {
    report([...path, 'container'], `${JSON.stringify(container)} is not a container name (a DNS-1123 label), e.g. \`container: app\``);
    ok = false;
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || !KUBERNETES_LABEL.test(namespace) || namespace.length > 63)) {
    report([...path, 'namespace'], `${JSON.stringify(namespace)} is not a Kubernetes namespace (a DNS-1123 label), e.g. \`namespace: shop\``);
    ok = false;
  }
  // kubectl reads an argument starting with '-' as a flag.
  if (context !== undefined && (typeof context !== 'string' || context === '' || context.startsWith('-') || /\p{Cc}/u.test(context))) {
    report([...path, 'context'], `${JSON.stringify(context)} is not a kubeconfig context name (not starting with '-', no control characters)`);
    ok = false;
  }
  const timeoutSeconds = durationOf(value.timeout, DEFAULT_ROLLOUT_STATUS_TIMEOUT, [...path, 'timeout'], report);
  if (!ok || timeoutSeconds === undefined) return undefined;
  return {
    provider: 'kubernetes',
    deployment: deployment as string,
    container: container as string,
    ...(namespace === undefined ? {} : { namespace: namespace as string }),
    ...(context === undefined ? {} : { context: context as string }),
    timeoutSeconds,
  };
}

function readyOf(value: unknown, slots: [Slot, Slot], report: Report): ReadyCheck | undefined {
  const path = ['deploy', 'ready'];
  const block = isRecord(value) ? value : { url: value };
  for (const key of Object.keys(block)) if (!READY_KEYS.includes(key)) report([...path, key], `unknown field; expected one of ${READY_KEYS.join(', ')}`);
  const { url } = block;
  const at = isRecord(value) ? [...path, 'url'] : path;
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) {
    report(at, `${JSON.stringify(url)} is not an http(s) URL, e.g. \`url: 'http://{address}/healthz'\` ({address} and {slot} are the slot's)`);
    return undefined;
  }
  const unknown = [...url.matchAll(/\{([^}]*)\}/g)].map((m) => m[0]).filter((p) => p !== '{address}' && p !== '{slot}');
  if (unknown.length > 0) {
    report(at, `${url} has ${unknown.join(', ')}; a ready URL knows {address} and {slot} only`);
    return undefined;
  }
  const noAddress = slots.find((slot) => slot.address === undefined);
  if (url.includes('{address}') && noAddress) {
    report(at, `${url} uses {address}, but slot ${noAddress.name} has none. Fix: give each slot \`address: host:port\`, or write the URL with {slot}`);
    return undefined;
  }
  const timeoutSeconds = durationOf(block.timeout, DEFAULT_READY_TIMEOUT, [...path, 'timeout'], report);
  return timeoutSeconds === undefined ? undefined : { url, timeoutSeconds };
}

function durationOf(value: unknown, fallback: number, path: NodePath, report: Report): number | undefined {
  if (value === undefined) return fallback;
  try {
    return parseDuration(value, { min: 1, max: 3600, overMax: 'a deploy runs in one job step; give it at most 1h' });
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    report(path, `${JSON.stringify(value)} is not ${error.expected}${error.fix ? `. Fix: ${error.fix}` : ''}`);
    return undefined;
  }
}

/** The value a slot gives the router (its server, address, service or name). */
function slotValue(slot: Slot, fields: SlotRouterFields): string | undefined {
  return fields.field === 'name' ? slot.name : slot[fields.field];
}

/** The plan's slot named `name`; refuses a name the plan does not have (a slot renamed since the ledger recorded it). */
export function slotNamed(plan: Pick<RolloutPlan, 'slots'>, name: string, where: string): Slot {
  const slot = plan.slots?.find((s) => s.name === name);
  if (!slot) {
    throw new SlipwayError(
      `${where} names slot "${name}", which the plan does not have (slots: ${plan.slots?.map((s) => s.name).join(', ') ?? 'none'}). Fix: keep the slot names the ledger recorded, or roll out once more with the old names before renaming.`,
    );
  }
  return slot;
}

/** The plan's other slot. */
export function otherSlot(plan: Pick<RolloutPlan, 'slots'>, slot: Slot): Slot {
  const slots = plan.slots!;
  return slots[0].name === slot.name ? slots[1] : slots[0];
}

/** The router settings with the new version in slot `canary` and the stable version in the other. */
export function slotRouterSettings(plan: Pick<RolloutPlan, 'router' | 'slots'>, canary: string): Record<string, unknown> {
  const fields = SLOT_ROUTER_FIELDS[plan.router.provider];
  if (!plan.slots || !fields) return plan.router.settings;
  const canarySlot = slotNamed(plan, canary, 'The rollout');
  const stableSlot = otherSlot(plan, canarySlot);
  return { ...plan.router.settings, [fields.stable]: slotValue(stableSlot, fields), [fields.canary]: slotValue(canarySlot, fields) };
}
