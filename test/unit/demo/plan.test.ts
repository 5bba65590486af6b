import { describe, expect, test } from '@jest/globals';
import { demoPlanYaml } from '../../../demo/plan.js';
import { loadPlan } from '../../../src/core/plan/index.js';

const targets = {
  haproxySocket: '127.0.0.1:9999',
  backend: 'app',
  slotAddresses: { blue: '127.0.0.1:8081', green: '127.0.0.1:8082' },
  deployCommand: ['/usr/bin/node', '--import', 'file:///repo/node_modules/tsx/dist/loader.mjs', '/repo/demo/deploy-slot.ts', '/tmp/slots dir', '4242'],
  prometheusUrl: 'http://127.0.0.1:9090',
};

describe('the demo plan', () => {
  test('takes its slots and deploy step from the plan: the deploy command argv intact, ready on /healthz, selectors that follow the slots', () => {
    const plan = loadPlan(demoPlanYaml(targets), 'demo-rollout.yml');
    expect(plan.slots).toEqual([
      { name: 'blue', server: 'blue', address: '127.0.0.1:8081' },
      { name: 'green', server: 'green', address: '127.0.0.1:8082' },
    ]);
    expect(plan.deploy).toMatchObject({ spec: { provider: 'command', run: targets.deployCommand }, ready: { url: 'http://{address}/healthz' } });
    expect(plan.router).toMatchObject({ provider: 'haproxy', settings: { socket: '127.0.0.1:9999', backend: 'app' } });
    expect([plan.analysis?.canary, plan.analysis?.baseline].map((side) => side?.map((m) => `${m.name}${m.op}"${m.value}"`))).toEqual([['slot="{{canarySlot}}"'], ['slot="{{stableSlot}}"']]);
  });
});
