// Entry point (bin/omega-conformance.js runs the compiled copy): run main and exit with its code.
// Exiting explicitly: nothing a run leaves open (a vitest worker, a socket a broken server holds)
// may keep the process alive once the reports are written.
import { exitNow } from '../run/exit.ts';
import { main } from './main.ts';

// Interrupted (Ctrl-C, a CI job's timeout): the servers this run started go with it. A command that
// handles the signal itself (the proxy writes its reports, a certification its error report) is left
// to do so; a second signal, once its own handler is gone, ends the process here.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) exitNow(code);
  });
}

exitNow(await main(process.argv.slice(2)));
