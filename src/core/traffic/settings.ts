import { InputError } from '../errors.js';
import { parseEnvNames } from '../process/index.js';
import { parseInput, parseWeight } from '../values/index.js';

/**
 * What a setting may contain before it reaches a command line, a protocol or a generated file.
 * Each grammar is the target's own rule, so a value that passes cannot end a command, start a
 * flag or close a block: HAProxy's runtime API ends a command at `;` or a newline, kubectl reads
 * an argument starting with `-` as a flag, and nginx ends a directive at `;` or `}`.
 */
interface Grammar {
  /** The whole value must match. */
  pattern: RegExp;
  /** Kubernetes limits the length of names. */
  maxLength?: number;
  /** What the error says was expected. */
  expected: string;
  /** A valid value, shown in the fix. */
  example: string;
}

// HAProxy's configuration manual: proxy, server and ACL names are made of letters, digits, '-',
// '_', '.' and ':'.
const HAPROXY_NAME: Grammar = {
  pattern: /^[A-Za-z0-9_.:-]+$/,
  expected: "a HAProxy name: letters, digits, '-', '_', '.' and ':' (as in haproxy.cfg)",
  example: 'app',
};

// The runtime API names an ACL or map by `#<id>` (from `show acl`) or by the file it was loaded
// from. The path characters are a conservative set: the runtime API splits words at spaces,
// commands at ';', and reads '\' as an escape and a trailing '<<' as the start of a payload.
const HAPROXY_PATTERN_REFERENCE: Grammar = {
  pattern: /^(#\d+|[A-Za-z0-9/._+@:,-]+)$/,
  expected: "the file your haproxy.cfg ACL loads with -f (letters, digits and / . _ - + @ : , only) or #<id> from `show acl`",
  example: '/etc/haproxy/canary-routes.acl',
};

// Kubernetes "Object Names and IDs": most kinds (HTTPRoute, VirtualService, TrafficSplit, Ingress,
// Gateway, IngressClass) take a DNS-1123 subdomain, namespaces a DNS-1123 label, Services a
// DNS-1035 label (a leading letter).
const KUBERNETES_NAME: Grammar = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  maxLength: 253,
  expected: "a Kubernetes object name (DNS-1123 subdomain): at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit",
  example: 'shop',
};

const KUBERNETES_NAMESPACE: Grammar = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  maxLength: 63,
  expected: "a Kubernetes namespace (DNS-1123 label): at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
  example: 'production',
};

const KUBERNETES_SERVICE_NAME: Grammar = {
  pattern: /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
  maxLength: 63,
  expected: "a Kubernetes Service name (DNS-1035 label): at most 63 lower-case letters, digits and '-', starting with a letter and ending with a letter or digit",
  example: 'shop-canary',
};

// Kubeconfig context names are free text (`arn:aws:eks:…`, `gke_project_zone_cluster`); kubectl
// gets them as one argument, so only a leading '-' (a flag) and control characters are refused.
const KUBECONFIG_CONTEXT: Grammar = {
  pattern: /^[^-\p{Cc}][^\p{Cc}]*$/u,
  expected: "a kubeconfig context name: not starting with '-' (kubectl would read a flag) and without control characters",
  example: 'production',
};

// The generated names are `<name>_stable` (an upstream) and `$<name>_upstream` (a variable);
// nginx variable names are letters, digits and '_'.
const NGINX_NAME: Grammar = {
  pattern: /^[a-z][a-z0-9_]*$/,
  expected: "lower-case letters, digits and '_', starting with a letter (it prefixes the generated nginx upstream and variable names)",
  example: 'slipway',
};

/**
 * Reads a provider's `router` settings (parsed YAML) field by field. Every error names the field
 * as `router.<field>`, the value, what was expected and the fix, before anything is changed.
 */
export class SettingsReader {
  constructor(
    private readonly provider: string,
    private readonly settings: Record<string, unknown>,
  ) {}

  /** A non-empty string field; required unless `fallback` is given. */
  string(field: string, fallback?: string): string {
    const value = this.settings[field];
    if (value === undefined || value === null || value === '') {
      if (fallback !== undefined) return fallback;
      throw this.error(field, value, 'a non-empty string', `add \`${field}:\` to the ${this.provider} router settings`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') throw this.error(field, value, 'a string');
    return String(value);
  }

  /** An optional string field. */
  optionalString(field: string): string | undefined {
    return this.optional(field, (f) => this.string(f));
  }

  /** `read(field)` when the field is given, undefined when it is absent. */
  optional<T>(field: string, read: (field: string) => T): T | undefined {
    return this.settings[field] === undefined || this.settings[field] === null ? undefined : read(field);
  }

  /** A HAProxy backend or server name (HAProxy's identifier rule), sent on the runtime API. */
  haproxyName(field: string): string {
    return this.matching(field, HAPROXY_NAME);
  }

  /** A HAProxy ACL or map reference (`#<id>` or the file loaded with -f), sent on the runtime API. */
  haproxyPatternReference(field: string): string {
    return this.matching(field, HAPROXY_PATTERN_REFERENCE);
  }

  /** A Kubernetes object name (DNS-1123 subdomain): HTTPRoute, VirtualService, TrafficSplit, Ingress, Gateway, IngressClass. */
  kubernetesName(field: string): string {
    return this.matching(field, KUBERNETES_NAME);
  }

  /** A Kubernetes namespace (DNS-1123 label). */
  kubernetesNamespace(field: string, fallback?: string): string {
    return this.matching(field, KUBERNETES_NAMESPACE, fallback);
  }

  /** A Kubernetes Service name (DNS-1035 label). */
  kubernetesServiceName(field: string): string {
    return this.matching(field, KUBERNETES_SERVICE_NAME);
  }

  /** A kubeconfig context, passed to kubectl as the value of --context. */
  kubeconfigContext(field: string): string {
    return this.matching(field, KUBECONFIG_CONTEXT);
  }

  /** The prefix of generated nginx upstream and variable names. */
  nginxName(field: string, fallback?: string): string {
    return this.matching(field, NGINX_NAME, fallback);
  }

  /** A command line: a string split on spaces, or a list of strings; undefined when absent. */
  command(field: string): string[] | undefined {
    const value = this.settings[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value.trim().split(/\s+/);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) return value as string[];
    throw this.error(field, value, 'a command (a string, or a list of strings)');
  }

  /** A `host:port` address. */
  address(field: string): string {
    const value = this.string(field);
    if (!/^[A-Za-z0-9.-]+:\d{1,5}$/.test(value) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(value)) {
      throw this.error(field, value, 'a `host:port` address', `e.g. \`${field}: 127.0.0.1:8080\``);
    }
    return value;
  }

  /** A whole number in [min, max]; `fallback` when absent. */
  integer(field: string, range: { min: number; max: number }, fallback: number): number {
    const value = this.settings[field];
    if (value === undefined || value === null) return fallback;
    const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < range.min || n > range.max) {
      throw this.error(field, value, `a whole number from ${range.min} to ${range.max}`);
    }
    return n;
  }

  /** The `env:` list: names of runner variables the provider's commands get besides the allow-list (docs/security.md). */
  envNames(field = 'env'): string[] {
    return parseEnvNames(`router.${field}`, this.settings[field]);
  }

  /** Rejects fields the provider does not know (a typo would otherwise be silently ignored). */
  rejectUnknown(known: readonly string[]): void {
    for (const field of Object.keys(this.settings)) {
      if (!known.includes(field)) {
        throw this.error(field, this.settings[field], `one of the ${this.provider} settings: ${known.join(', ')}`, 'remove or rename the field');
      }
    }
  }

  /** A string field that matches `grammar`; required unless `fallback` is given. */
  private matching(field: string, grammar: Grammar, fallback?: string): string {
    const value = this.string(field, fallback);
    if (!grammar.pattern.test(value) || value.length > (grammar.maxLength ?? Infinity)) {
      throw this.error(field, value, grammar.expected, `e.g. \`${field}: ${grammar.example}\``);
    }
    return value;
  }

  private error(field: string, value: unknown, expected: string, fix?: string): InputError {
    return new InputError(`router.${field}`, value, expected, fix);
  }
}

/**
 * Throws an InputError naming `input` unless `percent` is a weight (values/weight.ts: a whole
 * number from 0 to 100), checked before any change is made.
 */
export function checkWeight(percent: number, input = 'weight'): number {
  return parseInput(input, percent, parseWeight);
}
