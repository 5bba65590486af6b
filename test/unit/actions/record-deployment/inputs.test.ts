import { afterEach, describe, expect, test } from '@jest/globals';
import type { RunContext } from '../../../../src/actions/common/context.js';
import { getInputs } from '../../../../src/actions/record-deployment/inputs.js';
import { renderSummary } from '../../../../src/actions/record-deployment/summary.js';

const context = {
  owner: 'octo-org', repo: 'app', apiUrl: 'https://api.github.com', serverUrl: 'https://github.com', eventName: 'push',
  runUrl: 'https://github.com/octo-org/app/actions/runs/5', job: 'deploy',
  source: { sha: 'a'.repeat(40), ref: 'refs/heads/main', runId: 5, runAttempt: 1, actor: 'octocat', workflow: 'deploy' },
} satisfies RunContext;
const digest = `sha256:${'b'.repeat(64)}`;

function withInputs(inputs: Record<string, string>) {
  for (const [name, value] of Object.entries({ token: 't0k3n', ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
}
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_')) delete process.env[name];
});

describe('record-deployment inputs', () => {
  test('a start takes the run sha as ref and GitHub defaults for everything left out', () => {
    withInputs({ environment: 'staging', 'image-ref': `app@${digest}` });
    expect(getInputs(context)).toEqual({
      state: 'start', environment: 'staging', deploymentId: undefined, ref: 'a'.repeat(40), artifact: { ref: `app@${digest}`, digest },
      environmentUrl: undefined, description: undefined, task: 'deploy', strategy: undefined, productionEnvironment: undefined,
      transientEnvironment: false, autoInactive: true, requiredContexts: [], autoMerge: false, token: 't0k3n',
    });
  });

  test('an update needs only the deployment id and the state', () => {
    withInputs({ state: 'success', 'deployment-id': '42' });
    expect(getInputs(context)).toMatchObject({ state: 'success', deploymentId: 42 });
  });

  test.each([
    [{ environment: 'staging', state: 'done' }, "Input 'state' has the value \"done\": expected one of start, queued, in_progress, success, failure, error, inactive."],
    [{ state: 'failure' }, "Input 'deployment-id' is missing"],
    [{ environment: 'staging', 'deployment-id': '42' }, "Input 'deployment-id' has the value \"42\": expected no value with `state: start`"],
    [{ state: 'success', 'deployment-id': 'latest' }, "Input 'deployment-id' has the value \"latest\""],
    [{ environment: 'staging', 'image-ref': `app@sha256:${'b'.repeat(10)}` }, "Input 'image-ref' has the value"],
    [{ environment: 'staging', 'environment-url': 'ftp://example.com' }, "Input 'environment-url' has the value \"ftp://example.com\""],
    [{ environment: 'staging', 'production-environment': 'yes' }, "Input 'production-environment' has the value \"yes\""],
    [{ environment: 'staging', task: 'deploy:canary' }, "Input 'task' has the value \"deploy:canary\""],
    [{ environment: 'staging', token: '' }, "Input 'token' is missing"],
  ])('%j is refused: %s', (inputs, message) => {
    withInputs(inputs);
    expect(() => getInputs(context)).toThrow(message);
  });
});

describe('record-deployment summary', () => {
  test('links the deployment, the run and the environment URL', () => {
    const markdown = renderSummary(
      { kind: 'created', deploymentId: 9, statusId: 10, state: 'in_progress', environment: 'pr preview', ref: 'abc', environmentUrl: 'https://pr.example.com', previousGood: 7, description: 'a | b' },
      context,
    );
    expect(markdown).toContain('### Deployment started');
    expect(markdown).toContain('| Deployment | [#9](https://github.com/octo-org/app/deployments/pr%20preview) |');
    expect(markdown).toContain('| Replaces (last good) | #7 |');
    expect(markdown).toContain('[https://pr.example.com](https://pr.example.com)');
    expect(markdown).toContain('[https://github.com/octo-org/app/actions/runs/5](https://github.com/octo-org/app/actions/runs/5)');
    expect(markdown).toContain('| Description | a \\| b |');
  });
});
