// What runs in a slot of the demo (started by demo/deploy-slot.ts): the test bed's versioned app on
// the slot's address, until SIGTERM, or until the demo that started it is gone (so that a demo
// killed outright leaves nothing behind). argv: <host:port> <version> <error rate> <pid of the demo>.
import { startApp } from '../testkit/bed/app.js';

const [address, version, errorRate, demoPid] = process.argv.slice(2);
const app = await startApp({ version, errorRate: Number(errorRate), port: Number(address.slice(address.lastIndexOf(':') + 1)) });
const stop = () => void app.stop().finally(() => process.exit(0));
process.once('SIGTERM', stop).once('SIGINT', stop);
setInterval(() => {
  try {
    process.kill(Number(demoPid), 0);
  } catch {
    stop();
  }
}, 1000);
