import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Credentials } from '../../core/artifact/auth.js';
import { parsePlatform, type Platform } from '../../core/artifact/image.js';
import { targetDirSegments } from '../../core/artifact/package.js';
import type { BuildxOptions } from '../../core/artifact/build.js';
import { parseImageName, parsePinnedReference, type ImageName, type PinnedReference } from '../../core/artifact/reference.js';
import { InputError } from '../../core/errors.js';
import type { RunContext } from '../common/context.js';
import { registryCredentialsInput } from '../common/registry.js';
import { booleanInput, choiceInput, listInput, optionalString, requiredString, secretInput } from '../common/inputs.js';
import { buildxInputs, labelsInput, tagsInput } from './buildx-inputs.js';
import { BUILDERS, Inputs } from './constants.js';

/** build-immutable-image's inputs, validated before anything is built or pushed. */
export interface BuildInputs {
  image: ImageName;
  builder: (typeof BUILDERS)[number];
  context: string;
  dockerfile?: string;
  platforms: string[];
  /** The `package` builder's one platform. */
  platform: Platform;
  /** Directory to pack (`package`): its real path, inside the workspace. */
  path?: string;
  /** Where the packed files land in the image (default `/app`); never climbs out of the image root. */
  targetDir: string;
  /** Whether the package builder keeps symbolic links that lead out of `path`. */
  allowExternalSymlinks: boolean;
  baseImage?: PinnedReference;
  /** Bare tags (full references in the input are reduced to their tag). */
  tags: string[];
  /** Labels for the image, beside the source labels Slipway sets. */
  labels: Record<string, string>;
  /** What goes to docker buildx (empty with `builder: package`, which refuses these inputs). */
  buildx: BuildxOptions;
  /** Credentials given as inputs; without them, docker's config.json is asked (main.ts). */
  credentials?: Credentials;
  attest: boolean;
  token?: string;
}

/** Reads and validates every input. */
export function getInputs(context: RunContext): BuildInputs {
  const image = parseImageName(Inputs.Image, requiredString(Inputs.Image, 'set `image:` to `registry/repository`, e.g. `ghcr.io/${{ github.repository }}`'));
  const builder = choiceInput(Inputs.Builder, BUILDERS, 'docker');
  const platforms = listInput(Inputs.Platforms);
  if (platforms.length === 0) platforms.push('linux/amd64');
  const parsed = platforms.map((p) => parsePlatform(Inputs.Platforms, p));
  let path: string | undefined;
  if (builder === 'package') {
    if (parsed.length > 1) throw new InputError(Inputs.Platforms, platforms.join(','), 'one platform with `builder: package` (a packed directory is platform-neutral)', 'name the one platform of the base image, e.g. `linux/amd64`');
    path = packedDirectory(requiredString(Inputs.Path, 'set `path:` to the directory to pack with `builder: package`'));
  }
  const targetDir = optionalString(Inputs.TargetDir) ?? '/app';
  if (!targetDirSegments(targetDir)) throw new InputError(Inputs.TargetDir, targetDir, 'a directory inside the image, `/`-separated, without `..` segments or backslashes', 'name the directory the files go in, e.g. `/app` or `/usr/share/nginx/html`');
  const baseImageText = optionalString(Inputs.BaseImage);
  const tags = tagsInput(image);
  if (tags.length === 0 && context.source.sha) tags.push(context.source.sha);
  const buildx = buildxInputs(builder);
  const credentials = registryCredentialsInput({ username: Inputs.RegistryUsername, password: Inputs.RegistryPassword });
  const attest = booleanInput(Inputs.Attest, false);
  return {
    image,
    builder,
    context: optionalString(Inputs.Context) ?? '.',
    dockerfile: optionalString(Inputs.Dockerfile),
    platforms,
    platform: parsed[0],
    path,
    targetDir,
    allowExternalSymlinks: booleanInput(Inputs.AllowExternalSymlinks, false),
    baseImage: baseImageText === undefined ? undefined : parsePinnedReference(Inputs.BaseImage, baseImageText),
    tags,
    labels: labelsInput(),
    buildx,
    credentials,
    attest,
    token: secretInput(Inputs.Token),
  };
}

/**
 * The real path of the directory `path` names, refused unless it lies inside the workspace
 * (GITHUB_WORKSPACE, else the current directory) and outside any `.git`: the job meant to publish
 * what it built in the checkout, not the runner's files, nor the token actions/checkout keeps in `.git`.
 */
function packedDirectory(path: string): string {
  const real = realDirectory(path);
  if (!real) throw new InputError(Inputs.Path, path, 'an existing directory', 'build the files first, and give the path relative to the workspace');
  const workspaceVariable = process.env.GITHUB_WORKSPACE;
  const workspace = realDirectory(workspaceVariable || '.');
  if (!workspace) throw new InputError('GITHUB_WORKSPACE', workspaceVariable, 'an existing directory (the runner sets it to the checkout)', 'run inside GitHub Actions, or unset it to use the current directory');
  const inside = relative(workspace, real);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside) || inside.split(sep).includes('.git')) {
    throw new InputError(Inputs.Path, path, `a directory inside the workspace ${workspace} and outside any \`.git\``, 'build the files into the checkout (e.g. `dist`) and give that path; a directory elsewhere on the runner is never packed');
  }
  return real;
}

/** The real path (symbolic links resolved) of an existing directory, else undefined. */
function realDirectory(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
