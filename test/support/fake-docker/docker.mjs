// A stand-in `docker` executable for the build-immutable-image tests (no Docker engine here).
// Docker gets only an allow-listed environment from Slipway, DOCKER_CONFIG among it, so the test
// hands its settings in `$DOCKER_CONFIG/fake-docker.json`: `{log, password}`.
// `docker login` checks the password given on stdin against `password`; `docker logout` is logged. `docker buildx
// build` checks the arguments Slipway must pass (platforms, labels, SOURCE_DATE_EPOCH, a metadata
// file, an image output pushed by digest only), pushes a small image made from the Dockerfile's
// bytes to the registry named in --output (so the digest is real), and writes the metadata file
// as buildx does. Every call is appended to the `log` file as JSON (the password never is), with
// the names of any INPUT_* variables it was given (there must be none). Like docker, it pushes with
// the `auths` entry of `$DOCKER_CONFIG/config.json` for the registry (Basic auth), when there is
// one. A `--secret id=…,env=VAR` must find VAR in its environment (and `src=` an existing file);
// the log records the sha256 of each secret's value, never the value.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const settings = (() => {
  try {
    return JSON.parse(readFileSync(join(process.env.DOCKER_CONFIG ?? '', 'fake-docker.json'), 'utf8'));
  } catch {
    return {};
  }
})();
const inputs = Object.keys(process.env).filter((name) => name.startsWith('INPUT_'));
const log = (entry) => settings.log && appendFileSync(settings.log, JSON.stringify({ ...entry, inputs }) + '\n');
const fail = (message) => {
  process.stderr.write(`fake docker: ${message}\n`);
  process.exit(1);
};

if (args[0] === 'login') {
  const password = readFileSync(0, 'utf8');
  log({ args, env: { SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH } });
  if (!args.includes('--password-stdin')) fail('login without --password-stdin');
  if (settings.password && password.trim() !== settings.password) fail('unauthorized: incorrect username or password');
  process.stdout.write('Login Succeeded\n');
  process.exit(0);
}

if (args[0] === 'logout') {
  log({ args });
  process.stdout.write(`Removing login credentials for ${args[args.length - 1]}\n`);
  process.exit(0);
}

if (args[0] !== 'buildx' || args[1] !== 'build') fail(`unsupported command: ${args.join(' ')}`);
const values = (flag) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
const secrets = {};
for (const spec of values('--secret')) {
  const fields = Object.fromEntries(spec.split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const value = fields.env !== undefined ? process.env[fields.env] : existsSync(fields.src ?? '') ? readFileSync(fields.src, 'utf8') : undefined;
  if (value === undefined) fail(`secret ${fields.id}: ${fields.env !== undefined ? `env ${fields.env} not set` : `no file ${fields.src}`}`);
  secrets[fields.id] = createHash('sha256').update(value).digest('hex');
}
log({ args, env: { SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH }, secrets });
const one = (flag) => values(flag)[0] ?? fail(`missing ${flag}`);
const platform = one('--platform');
const metadataFile = one('--metadata-file');
const output = Object.fromEntries(one('--output').split(',').map((kv) => kv.split('=')));
if (output.type !== 'image' || output['push-by-digest'] !== 'true' || output.push !== 'true' || !output.name) fail(`--output must push an image by digest, got ${one('--output')}`);
const labels = Object.fromEntries(values('--label').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
for (const key of ['org.opencontainers.image.revision', 'org.opencontainers.image.source', 'org.opencontainers.image.created']) if (!labels[key]) fail(`missing label ${key}`);
const epoch = values('--build-arg').find((a) => a.startsWith('SOURCE_DATE_EPOCH='))?.split('=')[1];
if (!epoch || process.env.SOURCE_DATE_EPOCH !== epoch) fail('SOURCE_DATE_EPOCH must be both a build arg and in the environment');
const context = args[args.length - 1];
const dockerfile = values('--file')[0] ?? join(context, 'Dockerfile');
if (!existsSync(dockerfile)) fail(`no Dockerfile at ${dockerfile}`);

const slash = output.name.indexOf('/');
const registry = `http://${output.name.slice(0, slash)}`;
const repository = output.name.slice(slash + 1);
const auth = (() => {
  try {
    return JSON.parse(readFileSync(join(process.env.DOCKER_CONFIG ?? '', 'config.json'), 'utf8')).auths?.[output.name.slice(0, slash)]?.auth;
  } catch {
    return undefined;
  }
})();
const authorization = auth ? { authorization: `Basic ${auth}` } : {};
const digestOf = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
async function pushBlob(bytes) {
  const digest = digestOf(bytes);
  const start = await fetch(`${registry}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: authorization });
  if (start.status !== 202) fail(`blob upload start answered ${start.status}`);
  const location = new URL(start.headers.get('location'), registry);
  location.searchParams.set('digest', digest);
  const response = await fetch(location, { method: 'PUT', headers: { 'content-type': 'application/octet-stream', ...authorization }, body: bytes });
  if (response.status !== 201) fail(`blob push answered ${response.status}`);
  return { digest, size: bytes.length };
}
const [os, architecture] = platform.split(',')[0].split('/');
const layer = await pushBlob(readFileSync(dockerfile));
const config = Buffer.from(JSON.stringify({ architecture, os, config: { Labels: labels }, rootfs: { type: 'layers', diff_ids: [layer.digest] } }));
const configBlob = await pushBlob(config);
const manifest = Buffer.from(JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
  layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
}));
const digest = digestOf(manifest);
const put = await fetch(`${registry}/v2/${repository}/manifests/${digest}`, { method: 'PUT', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...authorization }, body: manifest });
if (put.status !== 201) fail(`manifest push answered ${put.status}`);
writeFileSync(metadataFile, JSON.stringify({ 'containerimage.digest': digest, 'image.name': output.name, 'buildx.build.ref': 'fake/fake/fake' }));
process.stdout.write(`pushed ${output.name}@${digest}\n`);
