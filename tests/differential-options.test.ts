// The run options of a certification that a differential run honours too, or refuses naming the
// option (exit 2): --deadline-ms bounds the whole run, --tls serves the first target (--command)
// over wss://, --clock applies to both targets or the run refuses it.
import { describe, expect, it } from 'vitest';
import { runDifferential } from '../harness/differential/run.ts';
import { fixtureIdentities } from '../harness/identity/identities.ts';
import { launchEmbedded } from '../harness/launchers/embedded.ts';
import { REFERENCE_COMMAND, runCli } from './cli-helpers.ts';

const IDS = fixtureIdentities();

describe('a differential run stopped by its signal', () => {
  it('starts no sequence after it, reports the sequences that ended and why it stopped, exit code 2', async () => {
    const [a, b] = await Promise.all([
      launchEmbedded('seed', IDS),
      launchEmbedded('seed', IDS, { variant: 'deleted-user-found-by-username' }),
    ]);
    try {
      const stop = new AbortController();
      let ended = 0;
      const r = await runDifferential({
        targets: [a, b],
        dialect: 'seed',
        identities: IDS,
        timeoutMs: 5000,
        seed: 42,
        sequences: 100,
        maxCommands: 60,
        signal: stop.signal,
        stopReason: () => 'told to stop',
        onSequence: () => {
          if (++ended === 3) stop.abort();
        },
      });
      expect(r.sequences).toBe(3);
      expect(r.stopped).toBe('told to stop');
      expect(r.exitCode).toBe(2);
      // Nothing was shrunk after the stop: the sequences are reported as first found.
      expect(r.diverged.every((s) => s.shrunk === undefined)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);
});

describe('differential runs from the command line: run options', () => {
  it('--deadline-ms: the run ends by then, writes the sequences run so far with the reason, exit 2', async () => {
    const r = await runCli(
      ['--against-command', REFERENCE_COMMAND, '--runs', '500', '--deadline-ms', '4000', '--seed', '42'],
      { timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.file('differential.json'));
    expect(report.stopped).toBe('the run deadline of 4 s passed');
    expect(report.sequences).toBeLessThan(500);
    expect(report.exitCode).toBe(2);
    expect(r.stderr).toMatch(/stopped: the run deadline of 4 s passed/);
    expect(r.file('differential.html')).toMatch(/STOPPED: the run deadline of 4 s passed/);
    // Ended by the deadline, not by running all 500 sequences (a bound with room for a loaded machine).
    expect(r.ms).toBeLessThan(60_000);
  }, 150_000);

  it('--tls serves the first target (--command) over wss:// and the run goes through it', async () => {
    const r = await runCli([
      '--command',
      REFERENCE_COMMAND,
      '--tls',
      '--against-command',
      REFERENCE_COMMAND,
      '--runs',
      '3',
      '--seed',
      '42',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.file('differential.json'));
    expect(report.targets[0].url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\//);
    expect(report.targets[1].url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//);
    expect(report.sequences).toBe(3);
    expect(report.steps).toBeGreaterThan(0);
  }, 150_000);

  it('--clock control:URL and --clock faketime with --against-url are refused naming the option, exit 2', async () => {
    const control = await runCli([
      '--url',
      'ws://127.0.0.1:9/ws/omikron',
      '--clock',
      'control:http://127.0.0.1:9/clock',
      '--against-command',
      REFERENCE_COMMAND,
    ]);
    expect(control.code).toBe(2);
    expect(control.stderr).toMatch(
      /--clock control:http:\/\/127\.0\.0\.1:9\/clock moves the first target's clock only/,
    );
    const faketime = await runCli([
      '--command',
      REFERENCE_COMMAND,
      '--clock',
      'faketime',
      '--against-url',
      'ws://127.0.0.1:9/ws/omikron',
    ]);
    expect(faketime.code).toBe(2);
    expect(faketime.stderr).toMatch(
      /--clock faketime: the --against-url target is a server the suite did not start/,
    );
  });
});
