import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWeight } from '../../../../src/core/traffic/command.js';
import { createRouter } from '../../../../src/core/traffic/registry.js';
import { loadPlan, runRollout } from '../../../../src/core/plan/index.js';
import { LedgerDouble } from '../plan/doubles.js';

// A real executable stands in for the user's script: it keeps the weight in a file and logs
// the environment it was given.
let dir: string;
let script: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-command-'));
  script = join(dir, 'set-weight.sh');
  writeFileSync(
    script,
    `#!/bin/sh
echo "$SLIPWAY_ACTION $SLIPWAY_CANARY_WEIGHT $SLIPWAY_STABLE_VERSION $SLIPWAY_CANARY_VERSION" >> "${dir}/log"
if [ "$SLIPWAY_ACTION" = describe ]; then cat "${dir}/weight" 2>/dev/null || echo 0; exit 0; fi
if [ "$SLIPWAY_CANARY_WEIGHT" = "${'$'}{FAIL_AT:-none}" ]; then echo "load balancer said no" >&2; exit 3; fi
echo "$SLIPWAY_CANARY_WEIGHT" > "${dir}/weight"
echo "{\\"canaryWeight\\": $SLIPWAY_CANARY_WEIGHT}"
`,
  );
  chmodSync(script, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const router = () => createRouter('command', { run: script, stableVersion: 'v1', canaryVersion: 'v2', env: ['FAIL_AT'] });
const log = () => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');

describe('the command provider', () => {
  test('passes the action, weight and versions in the environment and reads the weight it prints', async () => {
    expect((await router().setCanaryWeight(25)).canaryWeight).toBe(25);
    expect((await router().describe()).canaryWeight).toBe(25);
    expect((await router().promote()).canaryWeight).toBe(100);
    expect((await router().abort()).canaryWeight).toBe(0);
    expect(log().slice(-4)).toEqual(['set-weight 25 v1 v2', 'describe  v1 v2', 'promote 100 v1 v2', 'abort 0 v1 v2']);
  });

  test('a non-zero exit is an error quoting the command and its output', async () => {
    process.env.FAIL_AT = '50';
    try {
      await expect(router().setCanaryWeight(50)).rejects.toThrow(`The traffic command failed (exit 3) for set-weight 50%: \`${script}\`:\nload balancer said no`);
    } finally {
      delete process.env.FAIL_AT;
    }
  });

  test('a rollout whose command fails midway sends traffic back to stable and rethrows', async () => {
    const ledger = new LedgerDouble();
    const plan = loadPlan('router: {provider: command}\nsteps:\n  - setWeight: 5\n  - setWeight: 25\n  - setWeight: 50\n');
    const digest = `sha256:${'2'.repeat(64)}`;
    const before = log().length;
    process.env.FAIL_AT = '50';
    try {
      await expect(runRollout({ plan, environment: 'production', artifact: { ref: `registry.test/app@${digest}`, digest }, ref: 'abc' }, { ledger, router: router() })).rejects.toThrow(
        'The traffic command failed (exit 3) for set-weight 50%',
      );
    } finally {
      delete process.env.FAIL_AT;
    }
    expect((await router().describe()).canaryWeight).toBe(0);
    expect(log().slice(before)).toEqual(['describe  v1 v2', 'set-weight 5 v1 v2', 'set-weight 25 v1 v2', 'set-weight 50 v1 v2', 'abort 0 v1 v2', 'describe  v1 v2']);
    expect(ledger.deployments.at(-1)!.latestStatus).toMatchObject({ state: 'error', description: expect.stringMatching(/^stopped at step 3\/3; traffic back on stable: The traffic command failed/) });
  });

  test('a weight out of range is refused before the command runs', async () => {
    const before = log().length;
    await expect(router().setCanaryWeight(150)).rejects.toThrow("Input 'weight' has the value 150");
    expect(log()).toHaveLength(before);
  });

  test.each([
    ['25\n', 25],
    ['applying…\n{"canaryWeight": 5}\n', 5],
    ['', undefined],
    ['101', undefined],
    ['done', undefined],
  ])('reads the printed weight from %p', (stdout, weight) => {
    expect(parseWeight(stdout)).toBe(weight);
  });
});
