// Immutable artifacts: references, the OCI distribution client, deterministic packaging, and the
// build and promote logic of build-immutable-image and promote-artifact.
export * from './reference.js';
export * from './auth.js';
export * from './docker-config.js';
export * from './http.js';
export * from './blobs.js';
export * from './manifests.js';
export * from './client.js';
export * from './package.js';
export * from './image.js';
export * from './tags.js';
export * from './push.js';
export * from './build.js';
export * from './promote.js';
