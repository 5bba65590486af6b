import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import { createRouter } from '../../../../src/core/traffic/registry.js';
import { gatewayApiKind, ingressNginxKind, istioKind, smiKind, type ManifestKind } from '../../../../src/core/traffic/kubernetes/index.js';
import type { RouteSpec } from '../../../../src/core/traffic/spec-router.js';

const gateway = gatewayApiKind({ name: 'shop', namespace: 'prod', gateway: 'public', hostnames: ['shop.example.com'], stableService: 'shop-stable', canaryService: 'shop-canary', port: 8080 });
const istio = istioKind({ name: 'shop', namespace: 'prod', hosts: ['shop'], gateways: [], stableHost: 'shop-stable', canaryHost: 'shop-canary' });
const smi = smiKind({ name: 'shop', namespace: 'prod', service: 'shop', stableService: 'shop-stable', canaryService: 'shop-canary' });
const ingress = ingressNginxKind({ name: 'shop-canary', namespace: 'prod', host: 'shop.example.com', path: '/', canaryService: 'shop-canary', port: 80 });

const spec = (canaryWeight: number, extra: Partial<RouteSpec> = {}): RouteSpec => ({ canaryWeight, headerRoutes: [], mirrorPercentage: 0, ...extra });

describe('gateway-api HTTPRoute', () => {
  test.each([0, 5, 25, 100])('at %p%% is a valid gateway.networking.k8s.io/v1 HTTPRoute with weighted backendRefs', (weight) => {
    const manifest = gateway.render(spec(weight, { headerRoutes: [{ name: 'x-canary', value: 'always' }], mirrorPercentage: 100 }));
    expect(() => new HTTPRoute(manifest as never).validate()).not.toThrow();
    const rules = (manifest.spec as { rules: { backendRefs: { name: string; weight?: number }[]; matches?: unknown }[] }).rules;
    expect(rules[0]).toEqual({ matches: [{ headers: [{ type: 'Exact', name: 'x-canary', value: 'always' }] }], backendRefs: [{ name: 'shop-canary', port: 8080 }] });
    expect(rules[1].backendRefs.map((b) => [b.name, b.weight])).toEqual([['shop-stable', 100 - weight], ['shop-canary', weight]]);
  });

  test('mirrors a share with RequestMirror percent (Gateway API v1.2+) and refuses cookie routes', () => {
    const manifest = gateway.render(spec(0, { mirrorPercentage: 10 }));
    expect(() => new HTTPRoute(manifest as never).validate()).not.toThrow();
    expect(JSON.stringify(manifest)).toContain('"requestMirror":{"backendRef":{"name":"shop-canary","port":8080},"percent":10}');
    expect(() => gateway.render(spec(0, { headerRoutes: [{ name: 'canary', value: 'always', kind: 'cookie' }] }))).toThrow('Gateway API HTTPRoute matches headers, not cookies');
  });
});

describe('istio VirtualService, smi TrafficSplit, ingress-nginx canary Ingress', () => {
  test('istio: header and cookie routes before the weighted primary route with its mirror', () => {
    const manifest = istio.render(spec(25, { headerRoutes: [{ name: 'x-canary', value: 'always' }, { name: 'beta', value: 'yes', kind: 'cookie' }], mirrorPercentage: 5 }));
    expect(manifest).toMatchObject({ apiVersion: 'networking.istio.io/v1beta1', kind: 'VirtualService', metadata: { name: 'shop', namespace: 'prod' } });
    expect((manifest.spec as { http: unknown[] }).http).toEqual([
      { name: 'slipway-route-0', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { host: 'shop-canary' } }] },
      { name: 'slipway-route-1', match: [{ headers: { cookie: { regex: '^(.*?;)?(beta=yes)(;.*)?$' } } }], route: [{ destination: { host: 'shop-canary' } }] },
      { name: 'slipway-primary', route: [{ destination: { host: 'shop-stable' }, weight: 75 }, { destination: { host: 'shop-canary' }, weight: 25 }], mirror: { host: 'shop-canary' }, mirrorPercentage: { value: 5 } },
    ]);
  });

  test('smi: the root service split between the two services', () => {
    expect(smi.render(spec(5))).toEqual({
      apiVersion: 'split.smi-spec.io/v1alpha2',
      kind: 'TrafficSplit',
      metadata: { name: 'shop', namespace: 'prod', labels: { 'app.kubernetes.io/managed-by': 'slipway' } },
      spec: { service: 'shop', backends: [{ service: 'shop-stable', weight: 95 }, { service: 'shop-canary', weight: 5 }] },
    });
  });

  test('ingress-nginx: canary annotations with the weight and one header route; more routes are refused', () => {
    const manifest = ingress.render(spec(25, { headerRoutes: [{ name: 'x-canary', value: 'always' }] }));
    expect((manifest.metadata as { annotations: Record<string, string> }).annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '25',
      'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary',
      'nginx.ingress.kubernetes.io/canary-by-header-value': 'always',
    });
    expect(manifest.spec).toEqual({ rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-canary', port: { number: 80 } } } }] } }] });
    expect(() => ingress.render(spec(0, { headerRoutes: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }))).toThrow('ingress-nginx allows one header or cookie route per canary Ingress');
  });
});

describe('every manifest reads back as the spec it was rendered from', () => {
  const header = fc.record({ name: fc.constantFrom('x-canary', 'x-tester'), value: fc.stringMatching(/^[a-z0-9]{1,8}$/) });
  const cases: [string, ManifestKind, { routes: number; mirror: boolean }][] = [
    ['gateway-api', gateway, { routes: 2, mirror: true }],
    ['istio', istio, { routes: 2, mirror: true }],
    ['smi', smi, { routes: 0, mirror: false }],
    ['ingress-nginx', ingress, { routes: 1, mirror: false }],
  ];
  test.each(cases)('%s', (_name, kind, can) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.uniqueArray(header, { maxLength: can.routes, selector: (h) => h.name }), fc.integer({ min: 0, max: 100 }), (weight, routes, mirror) => {
        const original = spec(weight, { headerRoutes: routes, mirrorPercentage: can.mirror ? mirror : 0 });
        expect(kind.parse(JSON.parse(JSON.stringify(kind.render(original))))).toEqual(original);
      }),
    );
  });
});

describe('kubectl providers against a recording kubectl', () => {
  let dir: string;
  const kubectl = join(process.cwd(), 'test/support/fake-kubectl/kubectl');
  const calls = () => readFileSync(join(dir, 'calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; stdin: string });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-kubectl-'));
    process.env.FAKE_KUBECTL_DIR = dir;
  });
  afterEach(() => {
    delete process.env.FAKE_KUBECTL_FAIL;
    rmSync(dir, { recursive: true, force: true });
  });
  const router = () => createRouter('gateway-api', { name: 'shop', namespace: 'prod', gateway: 'public', stableService: 'shop-stable', canaryService: 'shop-canary', kubectl, context: 'ci', env: ['FAKE_KUBECTL_DIR', 'FAKE_KUBECTL_FAIL'] });

  test('applies server-side with field manager slipway, reads the weight back, and does not apply again when nothing changes', async () => {
    expect((await router().describe()).canaryWeight).toBe(0);
    expect((await router().setCanaryWeight(25)).canaryWeight).toBe(25);
    expect((await router().describe()).canaryWeight).toBe(25);
    await router().setCanaryWeight(25);
    const applies = calls().filter((c) => c.args.includes('apply'));
    expect(applies).toHaveLength(1);
    expect(applies[0].args).toEqual(['--context', 'ci', '--namespace', 'prod', 'apply', '--server-side', '--field-manager=slipway', '-f', '-']);
    expect(JSON.parse(applies[0].stdin)).toMatchObject({ kind: 'HTTPRoute', metadata: { name: 'shop', namespace: 'prod' } });
  });

  test('kubectl refusing the apply is a clear error and the route keeps its weight', async () => {
    await router().setCanaryWeight(25);
    process.env.FAKE_KUBECTL_FAIL = 'apply';
    await expect(router().setCanaryWeight(50)).rejects.toThrow(
      'kubectl apply of httproutes.gateway.networking.k8s.io/shop failed (exit 1); traffic was not changed:\nError from server (Forbidden): apply is forbidden',
    );
    delete process.env.FAKE_KUBECTL_FAIL;
    expect((await router().describe()).canaryWeight).toBe(25);
  });

  test('kubectl unable to read the route is a clear error, and nothing is applied', async () => {
    process.env.FAKE_KUBECTL_FAIL = 'get';
    await expect(router().setCanaryWeight(50)).rejects.toThrow('kubectl could not read httproutes.gateway.networking.k8s.io/shop in namespace prod (exit 1)');
    expect(calls().filter((c) => c.args.includes('apply'))).toHaveLength(0);
  });

  test('a missing kubectl is reported with its name', async () => {
    const missing = createRouter('smi', { name: 's', service: 's', stableService: 'a', canaryService: 'b', kubectl: '/nonexistent/kubectl' });
    await expect(missing.setCanaryWeight(5)).rejects.toThrow('kubectl could not read trafficsplits.split.smi-spec.io/s in namespace default (exit -1):\nspawn /nonexistent/kubectl ENOENT');
  });

  test('smi has no header routes nor mirroring, so the capabilities are absent', () => {
    const split = createRouter('smi', { name: 's', service: 's', stableService: 'a', canaryService: 'b', kubectl, env: ['FAKE_KUBECTL_DIR'] });
    expect(split.setHeaderRoute).toBeUndefined();
    expect(split.setMirror).toBeUndefined();
  });
});
