import { afterEach, beforeAll, afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunContext } from '../../../../src/actions/common/context.js';
import { getInputs } from '../../../../src/actions/build-immutable-image/inputs.js';
import { redact } from '../../../../src/core/secrets/index.js';

const context = {
  owner: 'acme', repo: 'shop', apiUrl: 'https://api.github.com', serverUrl: 'https://github.com', eventName: 'push',
  runUrl: 'https://github.com/acme/shop/actions/runs/5', job: 'build',
  source: { sha: 'a'.repeat(40), ref: 'refs/heads/main', runId: 5, runAttempt: 1, actor: 'octocat', workflow: 'build' },
} satisfies RunContext;

// docker/metadata-action's outputs for `images: ghcr.io/acme/shop`, as a workflow hands them on.
const METADATA_TAGS = 'ghcr.io/acme/shop:1.2.3\nghcr.io/acme/shop:1.2\nghcr.io/acme/shop:latest\nghcr.io/acme/shop:sha-860c190';
const METADATA_LABELS = 'org.opencontainers.image.title=shop\norg.opencontainers.image.description=A shop, with carts, and checkout\norg.opencontainers.image.version=1.2.3';

let workspace: string;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'slipway-build-inputs-'));
  writeFileSync(join(workspace, 'npmrc'), '//registry.npmjs.org/:_authToken=file-secret\n');
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function withInputs(inputs: Record<string, string>) {
  for (const [name, value] of Object.entries({ image: 'ghcr.io/acme/shop', ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
}
afterEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith('INPUT_') || name.startsWith('SLIPWAY_TEST_')) delete process.env[name];
});

describe('build-immutable-image inputs beside the docker ecosystem', () => {
  test("docker/metadata-action's `tags` output is taken as is: each full reference becomes its tag", () => {
    withInputs({ tags: METADATA_TAGS });
    expect(getInputs(context).tags).toEqual(['1.2.3', '1.2', 'latest', 'sha-860c190']);
  });

  test('bare tags and full references mix, comma or newline separated, and a tag named twice counts once', () => {
    withInputs({ tags: 'v2, ghcr.io/acme/shop:v2\nstaging' });
    expect(getInputs(context).tags).toEqual(['v2', 'staging']);
  });

  test('a Docker Hub image matches its references however they are spelled', () => {
    withInputs({ image: 'acme/shop', tags: 'docker.io/acme/shop:1.0\nacme/shop:latest' });
    expect(getInputs(context).tags).toEqual(['1.0', 'latest']);
  });

  test('without tags the commit sha names the image', () => {
    withInputs({});
    expect(getInputs(context).tags).toEqual(['a'.repeat(40)]);
  });

  test.each([
    ['docker.io/acme/shop:1.2.3', /Input 'tags' has the value "docker\.io\/acme\/shop:1\.2\.3": expected a tag of ghcr\.io\/acme\/shop, the image this step builds; this reference names docker\.io\/acme\/shop\. Fix: list only references to ghcr\.io\/acme\/shop/],
    ['ghcr.io/acme/other:1.2.3', /expected a tag of ghcr\.io\/acme\/shop, the image this step builds; this reference names ghcr\.io\/acme\/other/],
    [`ghcr.io/acme/shop@sha256:${'c'.repeat(64)}`, /expected a tag, or a full reference with a tag and no digest/],
    ['ghcr.io/acme/shop', /expected a tag, or a full reference with a tag and no digest/],
    ['-bad', /Input 'tags' has the value "-bad": expected tags of letters/],
  ])('tags %s is refused, saying why', (tags, message) => {
    withInputs({ tags });
    expect(() => getInputs(context)).toThrow(message);
  });

  test("labels take docker/metadata-action's `labels` output as is: one a line, commas inside values kept", () => {
    withInputs({ labels: METADATA_LABELS });
    expect(getInputs(context).labels).toEqual({
      'org.opencontainers.image.title': 'shop',
      'org.opencontainers.image.description': 'A shop, with carts, and checkout',
      'org.opencontainers.image.version': '1.2.3',
    });
  });

  test('the buildx inputs are read one item a line, commas inside an item kept', () => {
    process.env.SLIPWAY_TEST_NPM_TOKEN = 'env-secret-value';
    withInputs({
      'build-args': 'NODE_VERSION=20\nFEATURES=a,b,c',
      secrets: `id=npm,env=SLIPWAY_TEST_NPM_TOKEN\nid=npmrc,src=${join(workspace, 'npmrc')}\ntype=env,id=again,env=SLIPWAY_TEST_NPM_TOKEN`,
      target: 'runtime',
      'cache-from': 'type=registry,ref=ghcr.io/acme/shop:buildcache',
      'cache-to': 'type=registry,ref=ghcr.io/acme/shop:buildcache,mode=max',
    });
    expect(getInputs(context).buildx).toEqual({
      buildArgs: ['NODE_VERSION=20', 'FEATURES=a,b,c'],
      secrets: [{ id: 'npm', env: 'SLIPWAY_TEST_NPM_TOKEN' }, { id: 'npmrc', src: join(workspace, 'npmrc') }, { id: 'again', env: 'SLIPWAY_TEST_NPM_TOKEN' }],
      target: 'runtime',
      cacheFrom: ['type=registry,ref=ghcr.io/acme/shop:buildcache'],
      cacheTo: ['type=registry,ref=ghcr.io/acme/shop:buildcache,mode=max'],
    });
    // The variable's value is masked from then on, wherever it could be printed.
    expect(redact('token env-secret-value')).not.toContain('env-secret-value');
  });

  test.each([
    ['GIT_AUTH_TOKEN=ghp_inlinevalue123', "Input 'secrets' line 1 is not one of `id=<id>,env=<VARIABLE>`"],
    ['id=npm', "Input 'secrets' line 1 names neither or both of `env=` and `src=`"],
    ['id=npm,env=SLIPWAY_TEST_UNSET', "Input 'secrets' line 1 names the variable SLIPWAY_TEST_UNSET for secret npm, which is not set. Fix: set it in the step's `env:`"],
    ['id=npm,env=INPUT_REGISTRY-PASSWORD', "names the variable INPUT_REGISTRY-PASSWORD, which is not one Slipway hands to docker"],
    ['id=npm,env=ACTIONS_RUNTIME_TOKEN', 'names the variable ACTIONS_RUNTIME_TOKEN, which is not one Slipway hands to docker'],
    ['id=npm,src=/does/not/exist', "Input 'secrets' line 1 names the file /does/not/exist for secret npm, which does not exist"],
  ])('secrets %s is refused without quoting the line back', (secrets, message) => {
    withInputs({ secrets });
    let error: unknown;
    try {
      getInputs(context);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('ghp_inlinevalue123');
  });

  test.each([
    [{ 'build-args': 'SOURCE_DATE_EPOCH=1' }, /Input 'build-args' has the value "SOURCE_DATE_EPOCH": expected build arguments other than SOURCE_DATE_EPOCH/],
    [{ 'build-args': '--network=host' }, /Input 'build-args' has the value "--network": expected one `NAME=value` a line/],
    [{ 'cache-from': 'type=gha' }, /Input 'cache-from' has the value "type=gha": .* Fix: the `gha` cache needs ACTIONS_RUNTIME_TOKEN/],
    [{ 'cache-to': 'mode=max,type=gha' }, /Input 'cache-to' has the value "mode=max,type=gha"/],
    [{ target: '--output=type=local' }, /Input 'target' has the value "--output=type=local": expected the name of a build stage/],
    [{ labels: 'no equals sign' }, /Input 'labels' has the value "no equals sign": expected one `key=value` a line/],
  ])('%j is refused, naming the input', (inputs, message) => {
    withInputs(inputs);
    expect(() => getInputs(context)).toThrow(message);
  });

  test.each(['build-args', 'secrets', 'target', 'cache-from', 'cache-to'])('builder: package refuses %s, naming the input and the builder', (name) => {
    withInputs({ builder: 'package', path: '.', [name]: name === 'secrets' ? 'id=npm,env=HOME' : name === 'build-args' ? 'A=1' : 'x' });
    expect(() => getInputs(context)).toThrow(`Input '${name}' is set, but \`builder: package\` runs no docker buildx to hand it to. Fix: use \`builder: docker\`, or leave \`${name}\` out.`);
  });

  test('builder: package takes labels (they go into the image config)', () => {
    withInputs({ builder: 'package', path: '.', labels: 'team=payments' });
    expect(getInputs(context)).toMatchObject({ labels: { team: 'payments' }, buildx: {} });
  });
});
