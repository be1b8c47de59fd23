// Entry point: run main and exit with its code. Under bin/omega-conformance.js, a heartbeat tells
// the watching parent this process is alive.
import { main } from './main.ts';

if (process.send) {
  const beat = setInterval(() => process.send?.('alive'), 1000);
  beat.unref();
  process.channel?.unref();
}
const code = await main(process.argv.slice(2));
process.exitCode = code;
