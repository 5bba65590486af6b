// A recording stand-in for kubectl, for tests without a cluster. It keeps applied objects as JSON
// files in $FAKE_KUBECTL_DIR and logs every call (argv and stdin) to $FAKE_KUBECTL_DIR/calls.jsonl.
// Understands `get -o json -- <resource> <name>` (also without `--`) and `apply --server-side ...
// -f -`; any other verb fails. FAKE_KUBECTL_FAIL=<verb> makes that verb fail the way a cluster
// refusing it would.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.FAKE_KUBECTL_DIR;
if (!dir) {
  process.stderr.write('fake kubectl: FAKE_KUBECTL_DIR is not set\n');
  process.exit(2);
}
const args = process.argv.slice(2);
const stdin = args.includes('-f') ? readFileSync(0, 'utf8') : '';
appendFileSync(join(dir, 'calls.jsonl'), JSON.stringify({ args, stdin }) + '\n');

// Global flags come first: --context X, --namespace X.
const flags = {};
const rest = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--context' || args[i] === '--namespace') flags[args[i].slice(2)] = args[++i];
  else rest.push(args[i]);
}
const namespace = flags.namespace ?? 'default';
const verb = rest[0];
const file = (resource, name) => join(dir, `${namespace}.${resource}.${name}.json`);
const plural = (kind) => `${kind.toLowerCase()}${kind.endsWith('s') ? 'es' : 's'}`;

if (process.env.FAKE_KUBECTL_FAIL === verb) {
  process.stderr.write(`Error from server (Forbidden): ${verb} is forbidden: User "system:serviceaccount:ci:deployer" cannot ${verb} resource in the namespace "${namespace}"\n`);
  process.exit(1);
}
if (verb === 'get') {
  // Slipway puts `--` before the resource and name (flags come before it).
  const [resource, name] = rest.includes('--') ? rest.slice(rest.indexOf('--') + 1) : rest.slice(1);
  const path = file(resource.split('.')[0], name);
  if (!existsSync(path)) {
    process.stderr.write(`Error from server (NotFound): ${resource} "${name}" not found\n`);
    process.exit(1);
  }
  process.stdout.write(readFileSync(path, 'utf8'));
} else if (verb === 'apply') {
  if (!rest.includes('--server-side') || !rest.some((a) => a.startsWith('--field-manager='))) {
    process.stderr.write('fake kubectl: expected a server-side apply with a field manager\n');
    process.exit(2);
  }
  const object = JSON.parse(stdin);
  writeFileSync(file(plural(object.kind), object.metadata.name), JSON.stringify(object, null, 2));
  process.stdout.write(`${object.kind.toLowerCase()}/${object.metadata.name} serverside-applied\n`);
} else {
  process.stderr.write(`fake kubectl: unsupported command ${verb}\n`);
  process.exit(2);
}
