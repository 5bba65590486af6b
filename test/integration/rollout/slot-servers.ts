import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// What runs in the slots of the slot rollout tests: a deploy script (the plan's `deploy.run`) that
// records its SLIPWAY_* variables, replaces whatever runs in the slot with a small HTTP server
// answering every path with the artifact ref, and returns at once (the ready URL says when it is up).

/** The deploy script and its log in `dir`. */
export interface SlotServers {
  /** The deploy script's path, for `deploy.run`. */
  deployScript: string;
  /** Each run of the deploy script: `<slot> <ref> <digest> <address> <environment>`. */
  deploysRun(): string[];
  /** Stops the servers the deploy script started. */
  stop(): void;
}

/** Writes the deploy script and the slot server into `dir`. */
export function writeSlotServers(dir: string): SlotServers {
  const log = join(dir, 'deploys.log');
  writeFileSync(
    join(dir, 'server.mjs'),
    `import { createServer } from 'node:http';
const [host, port] = process.argv[2].split(':');
const server = createServer((req, res) => res.writeHead(200, { 'x-version': process.argv[3] }).end(process.argv[3]));
let tries = 0;
server.on('error', () => (++tries < 50 ? setTimeout(() => server.listen(Number(port), host), 100) : process.exit(1)));
server.listen(Number(port), host);
`,
  );
  const deployScript = join(dir, 'deploy.sh');
  writeFileSync(
    deployScript,
    `#!/bin/sh
echo "$SLIPWAY_SLOT $SLIPWAY_IMAGE_REF $SLIPWAY_DIGEST $SLIPWAY_SLOT_ADDRESS $SLIPWAY_ENVIRONMENT" >> ${log}
pidfile=${dir}/$SLIPWAY_SLOT.pid
if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; fi
nohup ${process.execPath} ${join(dir, 'server.mjs')} "$SLIPWAY_SLOT_ADDRESS" "$SLIPWAY_IMAGE_REF" >/dev/null 2>&1 &
echo $! > "$pidfile"
`,
  );
  chmodSync(deployScript, 0o755);
  return {
    deployScript,
    deploysRun: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []),
    stop() {
      for (const slot of ['blue', 'green']) {
        const pidfile = join(dir, `${slot}.pid`);
        if (!existsSync(pidfile)) continue;
        try {
          process.kill(Number(readFileSync(pidfile, 'utf8')));
        } catch {
          // already gone
        }
      }
    },
  };
}
