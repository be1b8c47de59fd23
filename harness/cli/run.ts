// Entry point (bin/omega-conformance.js runs the compiled copy): run main and exit with its code.
// Exiting explicitly: nothing a run leaves open (a vitest worker, a socket a broken server holds)
// may keep the process alive once the reports are written.
import { exitNow, ownsSignals } from '../run/exit.ts';
import { main } from './main.ts';

// Interrupted (Ctrl-C, a CI job's timeout): the servers this run started go with it. A command that
// owns the signals (the proxy) ends itself; a second signal then ends the process as Node does.
process.once('SIGINT', () => ownsSignals() || exitNow(130));
process.once('SIGTERM', () => ownsSignals() || exitNow(143));

exitNow(await main(process.argv.slice(2)));
