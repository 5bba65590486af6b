import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Credentials } from '../../core/artifact/auth.js';
import { buildDocker, buildPackage, type CommandRunner } from '../../core/artifact/build.js';
import type { RegistryClient } from '../../core/artifact/client.js';
import { dockerConfigCredentials } from '../../core/artifact/docker-config.js';
import { rfc3339, sourceLabels } from '../../core/artifact/image.js';
import type { PushResult } from '../../core/artifact/push.js';
import { formatReference } from '../../core/artifact/reference.js';
import { InputError, SlipwayError, errorMessage } from '../../core/errors.js';
import { runCommand } from '../../core/process/index.js';
import { readRunContext } from '../common/context.js';
import { group, info, setOutput, warning, writeSummary } from '../common/output.js';
import { checkCredentialInputs, registryClientFor } from '../common/registry.js';
import { actionsLogger } from '../common/run.js';
import { Inputs, Outputs } from './constants.js';
import { getInputs } from './inputs.js';

/** What docker and buildx read from the runner besides the allow-list: where the daemon, builder and login are. */
const DOCKER_ENV = ['DOCKER_CONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'BUILDX_BUILDER', 'BUILDX_CONFIG'];

/**
 * git, docker and buildx through the one command runner, with an allow-listed environment
 * (docs/security.md). Their output is shown line by line as it comes (a build's progress), through
 * the redacting log; a build has no time limit of its own, the job's timeout bounds it.
 */
const runner: CommandRunner = {
  async run(command, args, options = {}) {
    info(`[command]${command} ${args.join(' ')}`);
    const result = await runCommand([command, ...args], { env: options.env, passEnv: [...DOCKER_ENV, ...(options.passEnv ?? [])], cwd: options.cwd, input: options.input, timeoutMs: Infinity, onLine: (line) => info(line) });
    return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr };
  },
};

/**
 * Attests the build provenance of `name@digest`; returns the attestation id. @actions/attest
 * (sigstore and its own GitHub client) is loaded here only: every build without `attest` starts
 * without it (docs/architecture.md, "Fast start").
 */
async function attest(subject: { name: string; digest: string }, token: string): Promise<string | undefined> {
  const { attestProvenance } = await import('@actions/attest');
  const attestation = await attestProvenance({ subjects: [{ name: subject.name, digest: { sha256: subject.digest.replace(/^sha256:/, '') } }], token });
  return attestation.attestationID;
}

/** Builds the image with the chosen builder, pushes it by digest, tags it, and attests it on request. */
export async function main(): Promise<void> {
  const context = readRunContext();
  const inputs = getInputs(context);
  // Checked before building: an attestation that cannot be made must not leave a pushed image behind.
  if (inputs.attest) assertAttestationPossible(inputs.token);
  const client = await registryClient(inputs.image.registry, inputs.credentials);
  const target = { client, repository: inputs.image.repository };
  const epoch = await commitTime(runner, inputs.path ?? inputs.context);
  const created = rfc3339(epoch);
  const labels = imageLabels(inputs.labels, sourceLabels({ revision: context.source.sha, url: `${context.serverUrl}/${context.owner}/${context.repo}`, created }));
  const workDir = mkdtempSync(join(process.env.RUNNER_TEMP ?? tmpdir(), 'slipway-build-'));
  let result: PushResult;
  try {
    if (inputs.builder === 'package') {
      const base = inputs.baseImage && {
        handle: {
          client: inputs.baseImage.registry === inputs.image.registry ? client : await registryClient(inputs.baseImage.registry, undefined),
          repository: inputs.baseImage.repository,
        },
        digest: inputs.baseImage.digest,
      };
      result = await group(`Packing ${inputs.path} and pushing ${formatReference(inputs.image)}`, () =>
        buildPackage({ target, directory: inputs.path!, prefix: inputs.targetDir, allowExternalSymlinks: inputs.allowExternalSymlinks, platform: inputs.platform, sourceDateEpoch: epoch, created, labels, base, tags: inputs.tags, workDir, logger: actionsLogger }),
      );
    } else {
      result = await group(`docker buildx build ${inputs.context}`, () =>
        buildDocker({
          runner,
          target,
          context: inputs.context,
          dockerfile: inputs.dockerfile,
          platforms: inputs.platforms,
          labels,
          sourceDateEpoch: epoch,
          tags: inputs.tags,
          buildx: inputs.buildx,
          credentials: inputs.credentials,
          metadataFile: join(workDir, 'metadata.json'),
          logger: actionsLogger,
        }),
      );
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const imageRef = formatReference({ ...inputs.image, digest: result.digest });
  setOutput(Outputs.Digest, result.digest);
  setOutput(Outputs.ImageRef, imageRef);
  setOutput(Outputs.Tags, result.tags.join(','));
  setOutput(Outputs.Reused, String(result.reused));
  info(result.reused ? `${imageRef} was already built and pushed: reused.` : `Pushed ${imageRef}.`);
  let attestation: string | undefined;
  if (inputs.attest) {
    try {
      attestation = await attest({ name: formatReference(inputs.image), digest: result.digest }, inputs.token!);
    } catch (error) {
      throw new SlipwayError(`Attesting ${imageRef} failed: ${errorMessage(error)}. Fix: give the job \`permissions: id-token: write\` and \`attestations: write\`.`);
    }
  }
  await writeSummary((summary) =>
    summary.addHeading('Immutable image', 3)
      .addTable([
        [{ data: 'image', header: true }, { data: 'tags', header: true }, { data: 'reused', header: true }, { data: 'attestation', header: true }],
        [`\`${imageRef}\``, result.tags.join(', ') || '–', String(result.reused), attestation ?? (inputs.attest ? 'made' : '–')],
      ]),
  );
}

/**
 * A client for `registry`: with the credential inputs when given (they take precedence), else with
 * what docker's config.json holds for it (where docker/login-action logs in), else anonymous.
 */
async function registryClient(registry: string, given: Credentials | undefined): Promise<RegistryClient> {
  const credentialInputs = { username: Inputs.RegistryUsername, password: Inputs.RegistryPassword };
  if (given) return registryClientFor(registry, given, credentialInputs, actionsLogger);
  const found = await dockerConfigCredentials(registry, { configDir: process.env.DOCKER_CONFIG || join(homedir(), '.docker') });
  if (!found) return registryClientFor(registry, undefined, credentialInputs, actionsLogger);
  info(`Registry credentials for ${registry}: ${found.source}.`);
  return registryClientFor(registry, found.credentials, `log in to ${registry} again (docker/login-action; these credentials came from ${found.source}), or ${checkCredentialInputs(credentialInputs)}`, actionsLogger);
}

/**
 * The `labels` input with the source labels over it: those come from the commit, so a rebuild of
 * the same commit makes the same digest (docker/metadata-action's `created` is the build's clock time).
 */
function imageLabels(given: Record<string, string>, source: Record<string, string>): Record<string, string> {
  for (const [key, value] of Object.entries(source)) {
    if (given[key] !== undefined && given[key] !== value) warning(`Label ${key}=${given[key]} from \`${Inputs.Labels}\` was replaced by ${key}=${value}: Slipway sets it from the commit, so that a rebuild makes the same digest.`);
  }
  return { ...given, ...source };
}

/** `attest: true` needs the runner's OIDC token (id-token: write) and a GitHub token. */
function assertAttestationPossible(token: string | undefined): void {
  if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL || !process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new InputError(Inputs.Attest, 'true', 'a job that can request an OIDC token (GitHub artifact attestations are signed with it)', 'give the job `permissions: id-token: write` and `attestations: write`, or set `attest: false` (attestations are unavailable outside GitHub-hosted workflows)');
  }
  if (!token) throw new InputError(Inputs.Token, undefined, 'a GitHub token to store the attestation', 'leave `token:` out to use `github.token`');
}

/**
 * The commit time in seconds: SOURCE_DATE_EPOCH when set (the reproducible-builds convention),
 * else the HEAD commit's time from git, else 0 with a warning (the digest then ignores time).
 */
async function commitTime(runner: CommandRunner, cwd: string): Promise<number> {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  try {
    const git = await runner.run('git', ['log', '-1', '--format=%ct'], { cwd });
    if (git.exitCode === 0 && /^\d+$/.test(git.stdout.trim())) return Number(git.stdout.trim());
  } catch {
    // no git on PATH: fall through
  }
  warning('No commit time found (no SOURCE_DATE_EPOCH and no git history here): using 0 as every mtime and as the creation time. Check out the repository with actions/checkout first.');
  return 0;
}
