// The names of build-immutable-image's inputs and outputs: equal to the keys of
// actions/build-immutable-image/action.yml (a repository test compares them).

/** Input names. */
export const Inputs = {
  Image: 'image',
  Builder: 'builder',
  Context: 'context',
  Dockerfile: 'dockerfile',
  Platforms: 'platforms',
  Path: 'path',
  TargetDir: 'target-dir',
  AllowExternalSymlinks: 'allow-external-symlinks',
  BaseImage: 'base-image',
  Tags: 'tags',
  Labels: 'labels',
  BuildArgs: 'build-args',
  Secrets: 'secrets',
  Target: 'target',
  CacheFrom: 'cache-from',
  CacheTo: 'cache-to',
  RegistryUsername: 'registry-username',
  RegistryPassword: 'registry-password',
  Attest: 'attest',
  Token: 'token',
} as const;

/** Output names. */
export const Outputs = {
  Digest: 'digest',
  ImageRef: 'image-ref',
  Tags: 'tags',
  Reused: 'reused',
} as const;

/** The builders. */
export const BUILDERS = ['docker', 'package'] as const;
