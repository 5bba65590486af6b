import { existsSync } from 'node:fs';
import type { BuildSecret, BuildxOptions } from '../../core/artifact/build.js';
import { formatReference, isTag, parseImageReference, type ImageName } from '../../core/artifact/reference.js';
import { InputError, SlipwayError } from '../../core/errors.js';
import { registerSecret } from '../../core/secrets/index.js';
import { listInput, optionalString } from '../common/inputs.js';
import { Inputs } from './constants.js';

// The inputs build-immutable-image shares with docker/build-push-action and docker/metadata-action
// (docs/artifacts.md, "Next to docker/build-push-action"): `tags` as metadata-action writes them,
// `labels`, and what goes to buildx. The buildx lists are one item a line: their items hold commas.

/**
 * The tags of `tags`: bare tags, or full references `registry/repository:tag` naming `image`
 * (docker/metadata-action's `tags` output as is); a reference to another repository is refused.
 */
export function tagsInput(image: ImageName): string[] {
  const tags: string[] = [];
  for (const item of listInput(Inputs.Tags)) {
    if (!item.includes('/') && !item.includes(':')) {
      if (!isTag(item)) throw new InputError(Inputs.Tags, item, 'tags of letters, digits, `_`, `.` and `-` (at most 128, not starting with `.` or `-`)');
      tags.push(item);
      continue;
    }
    const reference = parseImageReference(Inputs.Tags, item);
    if (reference.tag === undefined || reference.digest !== undefined) {
      throw new InputError(Inputs.Tags, item, 'a tag, or a full reference with a tag and no digest (`registry/repository:tag`, as docker/metadata-action writes them)', 'the digest is what the build makes: name only tags here');
    }
    if (reference.registry !== image.registry || reference.repository !== image.repository) {
      throw new InputError(
        Inputs.Tags,
        item,
        `a tag of ${formatReference(image)}, the image this step builds; this reference names ${formatReference({ registry: reference.registry, repository: reference.repository })}`,
        `list only references to ${formatReference(image)} (give docker/metadata-action the same name in \`images:\`), or promote the digest to the other repository with promote-artifact`,
      );
    }
    tags.push(reference.tag);
  }
  return [...new Set(tags)];
}

/** `labels`: `key=value` a line (docker/metadata-action's `labels` output as is). */
export function labelsInput(): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of listInput(Inputs.Labels, 'lines')) {
    const equals = line.indexOf('=');
    if (equals <= 0) throw new InputError(Inputs.Labels, line, 'one `key=value` a line, e.g. `org.opencontainers.image.title=shop`');
    labels[line.slice(0, equals).trim()] = line.slice(equals + 1);
  }
  return labels;
}

/** The buildx inputs; with `builder: package` each of them is refused (there is no buildx to take it). */
export function buildxInputs(builder: 'docker' | 'package'): BuildxOptions {
  if (builder === 'package') {
    for (const name of [Inputs.BuildArgs, Inputs.Secrets, Inputs.Target, Inputs.CacheFrom, Inputs.CacheTo]) {
      if (optionalString(name) !== undefined) {
        throw new SlipwayError(`Input '${name}' is set, but \`builder: package\` runs no docker buildx to hand it to. Fix: use \`builder: docker\`, or leave \`${name}\` out.`);
      }
    }
    return {};
  }
  const target = optionalString(Inputs.Target);
  if (target !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(target)) throw new InputError(Inputs.Target, target, 'the name of a build stage (`FROM … AS <name>` in the Dockerfile)');
  return { buildArgs: buildArgsInput(), secrets: secretsInput(), target, cacheFrom: cacheInput(Inputs.CacheFrom), cacheTo: cacheInput(Inputs.CacheTo) };
}

function buildArgsInput(): string[] {
  return listInput(Inputs.BuildArgs, 'lines').map((line) => {
    const name = line.slice(0, Math.max(0, line.indexOf('=')));
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new InputError(Inputs.BuildArgs, name || line, 'one `NAME=value` a line, NAME of letters, digits and `_`');
    if (name === 'SOURCE_DATE_EPOCH') throw new InputError(Inputs.BuildArgs, name, 'build arguments other than SOURCE_DATE_EPOCH, which Slipway sets from the commit time', 'set `SOURCE_DATE_EPOCH` in the step\'s `env:` to choose it');
    return line;
  });
}

/**
 * `secrets`: buildx's `id=<id>,env=<VARIABLE>` or `id=<id>,src=<file>` a line. A line is never
 * quoted back in a message (a value written inline by mistake would be printed); its number is.
 */
function secretsInput(): BuildSecret[] {
  const forms = '`id=<id>,env=<VARIABLE>` (a variable of the step\'s `env:`) or `id=<id>,src=<file>`';
  return listInput(Inputs.Secrets, 'lines').map((line, index) => {
    const bad = (why: string, fix = `write the line as ${forms}; the value itself never goes in \`secrets\``) => new SlipwayError(`Input '${Inputs.Secrets}' line ${index + 1} ${why}. Fix: ${fix}.`);
    const fields: Record<string, string> = {};
    for (const field of line.split(',')) {
      const equals = field.indexOf('=');
      const key = field.slice(0, Math.max(0, equals)).trim();
      if (!['id', 'type', 'env', 'src', 'source'].includes(key) || key in fields) throw bad(`is not one of ${forms}`);
      fields[key] = field.slice(equals + 1).trim();
    }
    const { id, type, env } = fields;
    const src = fields.src ?? fields.source;
    if (!id || !/^[A-Za-z0-9_.-]+$/.test(id)) throw bad('has no `id=` of letters, digits, `_`, `.` and `-`');
    if ((env === undefined) === (src === undefined) || (type !== undefined && type !== (env !== undefined ? 'env' : 'file'))) throw bad(`names neither or both of \`env=\` and \`src=\`: expected ${forms}`);
    if (env !== undefined) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(env) || /^(INPUT|ACTIONS)_/.test(env)) throw bad(`names the variable ${env}, which is not one Slipway hands to docker (INPUT_* and ACTIONS_* never are)`);
      const value = process.env[env];
      if (value === undefined || value === '') throw bad(`names the variable ${env} for secret ${id}, which is not set`, `set it in the step's \`env:\`, e.g. \`${env}: \${{ secrets.${env} }}\``);
      registerSecret(value);
      return { id, env };
    }
    if (!existsSync(src!)) throw bad(`names the file ${src} for secret ${id}, which does not exist`, 'write the file in an earlier step, and give its path relative to the workspace');
    return { id, src: src! };
  });
}

/** `cache-from` / `cache-to`: buildx's cache specs, one a line. */
function cacheInput(name: string): string[] {
  const specs = listInput(name, 'lines');
  for (const spec of specs) {
    if (/(^|,)\s*type=gha\b/.test(spec)) {
      throw new InputError(name, spec, 'a cache buildx can reach without the runner\'s own token (`type=registry,ref=…`, `type=local,…`, `type=s3,…`)', 'the `gha` cache needs ACTIONS_RUNTIME_TOKEN, which Slipway hands to no command: use `type=registry,ref=<image>:buildcache`, or build with docker/build-push-action and hand its digest over (docs/artifacts.md)');
    }
  }
  return specs;
}
