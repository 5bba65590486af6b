import { describe, expect, test } from '@jest/globals';
import type { LedgerDeployment } from '../../../../src/core/ledger/types.js';
import { chooseSlots, describeSlots, loadPlan, slotRouterSettings } from '../../../../src/core/plan/index.js';
import { slotRestore } from '../../../../src/core/rollback/index.js';
import { problemsOf } from './problems.js';

const SLOTS_PLAN = `strategy: canary
slots:
  blue: {server: blue, address: 127.0.0.1:8081}
  green: {server: green, address: 127.0.0.1:8082}
deploy:
  run: [./deploy.sh, --wait]
  ready: {url: 'http://{address}/healthz', timeout: 30s}
router:
  provider: haproxy
  socket: /run/haproxy/admin.sock
  backend: app
steps:
  - setWeight: 20
  - setWeight: 50
`;


describe('slots and deploy in a plan', () => {
  test('the router takes stable and canary from the slots (first stable), and deploy gets its defaults', () => {
    const plan = loadPlan(SLOTS_PLAN, 'plan.yml');
    expect(plan.router).toEqual({ provider: 'haproxy', settings: { socket: '/run/haproxy/admin.sock', backend: 'app', stable: 'blue', canary: 'green' } });
    expect(plan.slots).toEqual([
      { name: 'blue', server: 'blue', address: '127.0.0.1:8081' },
      { name: 'green', server: 'green', address: '127.0.0.1:8082' },
    ]);
    expect(plan.deploy).toEqual({ spec: { provider: 'command', run: ['./deploy.sh', '--wait'], env: [], timeoutSeconds: 600 }, ready: { url: 'http://{address}/healthz', timeoutSeconds: 30 } });
    expect(slotRouterSettings(plan, 'blue')).toMatchObject({ stable: 'green', canary: 'blue', backend: 'app' });
  });

  test('nginx takes the slots\' addresses; a kubernetes deploy names a Deployment per slot', () => {
    const text = SLOTS_PLAN.replace(/deploy:\n[\s\S]*?router:/, "deploy:\n  kubernetes: {deployment: 'shop-{slot}', container: app, namespace: shop, timeout: 2m}\nrouter:")
      .replace(/router:\n[\s\S]*?steps:/, 'router: {provider: nginx, file: /etc/nginx/conf.d/app.conf, pid: /run/nginx.pid}\nsteps:');
    const plan = loadPlan(text, 'plan.yml');
    expect(plan.router.settings).toMatchObject({ stable: '127.0.0.1:8081', canary: '127.0.0.1:8082' });
    expect(plan.deploy).toEqual({ spec: { provider: 'kubernetes', deployment: 'shop-{slot}', container: 'app', namespace: 'shop', timeoutSeconds: 120 } });
  });

  test.each([
    ['stable and canary given both ways', SLOTS_PLAN.replace('backend: app', 'backend: app\n  stable: blue'), "plan.yml line 12: router.stable: with `slots:` the haproxy router's stable comes from the slots (blue: blue, green: green). Fix: remove router.stable"],
    ['a slot without the server haproxy needs', SLOTS_PLAN.replace('{server: green, address: 127.0.0.1:8082}', '{address: 127.0.0.1:8082}'), "plan.yml line 4: slots.green: the haproxy router needs each slot's `server:`, the server of the backend that runs the slot, e.g. `green: {server: blue}`"],
    ['three slots', SLOTS_PLAN.replace('deploy:', '  red: {server: red}\ndeploy:'), 'plan.yml line 2: slots: expected exactly two slots, e.g. `slots: {blue: {server: blue}, green: {server: green}}`, got 3'],
    ['a bad address', SLOTS_PLAN.replace('127.0.0.1:8082', 'localhost'), 'plan.yml line 4: slots.green.address: "localhost" is not a `host:port` address'],
    ['an unknown placeholder in the ready URL', SLOTS_PLAN.replace('{address}/healthz', '{host}/healthz'), 'plan.yml line 7: deploy.ready.url: http://{host}/healthz has {host}; a ready URL knows {address} and {slot} only'],
    ['a deploy without slots', SLOTS_PLAN.replace(/slots:\n.*\n.*\n/, ''), 'plan.yml line 2: deploy: the deploy step starts the new version in a slot'],
    ['slots without a deploy', SLOTS_PLAN.replace(/deploy:\n.*\n.*\n/, ''), 'plan.yml line 2: slots: slots need `deploy:`'],
    ['a run that is not a command', SLOTS_PLAN.replace('run: [./deploy.sh, --wait]', 'run: [./deploy.sh, 3]'), 'plan.yml line 6: deploy.run: ["./deploy.sh",3] is not a command'],
    ['both run and kubernetes', SLOTS_PLAN.replace('run: [./deploy.sh, --wait]', 'run: [./deploy.sh]\n  kubernetes: {deployment: "a-{slot}", container: app}'), 'plan.yml line 5: deploy: give one way to start the new version'],
    ['a Deployment name without {slot}', SLOTS_PLAN.replace('run: [./deploy.sh, --wait]', 'kubernetes: {deployment: shop, container: app}'), 'plan.yml line 6: deploy.kubernetes.deployment: "shop" does not name a Deployment per slot. Fix: put {slot} in it, e.g. `deployment: shop-{slot}` (shop-blue and shop-green)'],
    ['a router that cannot alternate', SLOTS_PLAN.replace(/router:\n[\s\S]*?steps:/, 'router: {provider: ingress-nginx, name: shop, host: shop.example.com, canaryService: shop-canary, port: 80}\nsteps:'), 'router.provider: ingress-nginx cannot take slots'],
  ])('%s is refused with the setting, the value and the fix', (_what, text, expected) => {
    expect(problemsOf(text)).toContain(expected);
  });

  test('a ready URL with {address} needs every slot\'s address', () => {
    const text = SLOTS_PLAN.replace('{server: green, address: 127.0.0.1:8082}', '{server: green}');
    expect(problemsOf(text)).toContain('deploy.ready.url: http://{address}/healthz uses {address}, but slot green has none');
  });
});

const plan = loadPlan(SLOTS_PLAN, 'plan.yml');

function deployment(id: number, payload: Partial<NonNullable<LedgerDeployment['payload']>> = {}, digest = `sha256:${String(id).padStart(64, '0')}`): LedgerDeployment {
  return {
    id, sha: 's', ref: 's', task: 'deploy', environment: 'production', createdAt: '', creator: 'c', description: '', productionEnvironment: true, transientEnvironment: false, latestStatus: null,
    payload: { schema: 'slipway/v1', source: { sha: 's', ref: 'r', runId: 1, runAttempt: 1, actor: 'a', workflow: 'w' }, artifact: { ref: `app@${digest}`, digest }, ...payload },
  };
}

describe('slot choice', () => {
  test.each([
    ['no good version yet: a first release into the first slot', null, undefined, 'blue', true],
    ['the last good version recorded in blue', deployment(7, { slot: 'blue' }), undefined, 'green', false],
    ['the last good version recorded in green', deployment(7, { slot: 'green' }), undefined, 'blue', false],
    ['a last good version from before slots, green taking all traffic', deployment(7), 'green', 'blue', false],
  ])('%s → the new version goes into %s', (_what, lastGood, serving, canary, firstRelease) => {
    const choice = chooseSlots(plan, lastGood, serving);
    expect({ canary: choice.canary.name, firstRelease: choice.firstRelease }).toEqual({ canary, firstRelease });
    expect(choice.stable.name).not.toBe(canary);
  });

  test('a slot the plan does not have (renamed since the ledger recorded it) is refused, naming it', () => {
    expect(() => chooseSlots(plan, deployment(7, { slot: 'red' }))).toThrow('The last good deployment #7 names slot "red", which the plan does not have (slots: blue, green)');
  });

  test('a last good version from before slots while traffic is split cannot be placed: refused', () => {
    expect(() => chooseSlots(plan, deployment(7))).toThrow(/records no slot .* Fix: send all traffic to the slot that runs it/);
  });
});

describe('where a rollback restores the previous version', () => {
  const v1 = deployment(1, { slot: 'blue' }, `sha256:${'1'.repeat(64)}`);
  const v2 = deployment(2, { slot: 'green' }, `sha256:${'2'.repeat(64)}`);
  const v3 = deployment(3, { slot: 'blue' }, `sha256:${'3'.repeat(64)}`);
  const v1again = deployment(4, { slot: 'blue' }, `sha256:${'1'.repeat(64)}`);
  test.each([
    ['v3 (blue) back to v2: green still runs it', { bad: v3, target: v2, passed: [] }, 'instant green'],
    ['v3 (blue) back to v1: blue was overwritten by v3', { bad: v3, target: v1, passed: [v2] }, 'redeploy'],
    ['a rollback to a deployment far back, the history between unread', { bad: v3, target: v2, passed: [], complete: false }, 'redeploy'],
    ['a target that records no slot', { bad: v3, target: deployment(2, {}), passed: [] }, 'redeploy'],
    ['the same artifact put into the slot again still runs it', { bad: deployment(5, { slot: 'green' }), target: v1, passed: [v1again] }, 'instant blue'],
  ])('%s → %s', (_what, decision, expected) => {
    const restore = slotRestore(plan, decision);
    expect(restore.kind === 'instant' ? `instant ${restore.slot.name}` : restore.kind).toBe(expected);
  });

  test('a slot-less deployment between the target and the bad one means a redeploy', () => {
    expect(slotRestore(plan, { bad: v3, target: v1, passed: [deployment(2)] }).kind).toBe('redeploy');
  });
});

describe('the plan in words', () => {
  test('a dry run names the slots, the deploy and where the first release goes', () => {
    expect(describeSlots(plan)).toBe(
      'slots blue (server blue, 127.0.0.1:8081) and green (server green, 127.0.0.1:8082); deploy: run ./deploy.sh --wait, ready when http://{address}/healthz answers 2xx within 30s; the first release goes into blue',
    );
    expect(describeSlots(loadPlan(SLOTS_PLAN.replace(/slots:[\s\S]*?router:/, 'router:').replace('backend: app', 'backend: app\n  stable: blue\n  canary: green'), 'plan.yml'))).toBe('');
  });
});
