// Error attribution: an error that ended a scenario, and every frame a session could not match, become
// failed checks through the cause table (harness/verdict/cause-table.ts), each cause charged once.
import type { RequirementId } from '../spec/requirements.ts';
import { type Cause, describeAnomaly, describeCause } from '../client/causes.ts';
import { ConnectionClosedError, HarnessError } from '../client/errors.ts';
import type { OmikronSession } from '../client/session.ts';
import { CheckFailure, type Recorder } from './recorder.ts';

/** The cause an error carries; a fault of the suite itself when it carries none. */
export function causeOf(e: unknown): Cause {
  if (e instanceof HarnessError && e.cause !== undefined) return e.cause;
  if (e instanceof HarnessError) return { kind: 'setup', step: e.message };
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'harness', message: err.stack ?? err.message };
}

/**
 * A scenario could not complete. The cause's own requirement fails (once); the scenario's other
 * requirements are not verified, naming that charge. A cause the table charges to nothing (a close,
 * a refused setup step, a dead target, a harness fault) fails the scenario's requirements instead.
 */
export function attribute(t: Recorder, requirements: readonly RequirementId[], e: unknown): Cause {
  const cause = causeOf(e);
  const message =
    e instanceof HarnessError ? e.message : cause.kind === 'harness' ? describeCause(cause) : String(e);
  const text = `${t.scenario} could not complete: ${message}`;
  const charged = t.charge(cause, text);
  for (const req of requirements) {
    if (req === charged) continue;
    if (charged !== null) t.notVerified(req, `${text} (charged to ${charged})`);
    else {
      try {
        t.fail(req, text, { causes: [cause] });
      } catch (stop) {
        // MUST failures stop a scenario; this one has stopped already.
        if (!(stop instanceof CheckFailure)) throw stop;
      }
    }
  }
  return cause;
}

/**
 * After a scenario: every authenticated session answers a barrier, late replies get their settle
 * window, and every frame no check charged yet is charged through the cause table.
 */
export async function sweep(t: Recorder, sessions: readonly OmikronSession[]): Promise<void> {
  const open = sessions.filter((s) => s.connection.isOpen);
  const barriers = await Promise.all(
    open.map((s) =>
      s.connection.barrier().then(
        () => null,
        (e: unknown) => e,
      ),
    ),
  );
  // On a target not in order, replies to requests given up may still come: wait out their window.
  const until = Math.max(0, ...open.map((s) => s.connection.settlingUntil() - s.connection.now()));
  if (until > 0) await new Promise((r) => setTimeout(r, until));
  let charged = 0;
  open.forEach((s, i) => {
    const failed = barriers[i];
    if (failed !== null) {
      // A session the scenario left refused or closing owes no pong.
      if (!s.authenticated || failed instanceof ConnectionClosedError || !s.connection.isOpen) return;
      const cause = causeOf(failed);
      charged++;
      t.charge(
        cause,
        `after the scenario, ${s.label} did not answer the barrier ping: ${describeCause(cause)}`,
      );
      return;
    }
    for (const a of s.connection.anomalies) {
      if (t.isCharged(a)) continue;
      charged++;
      t.charge(a, `${s.label}: ${describeAnomaly(a)}`, 'frame' in a ? a.frame : undefined);
    }
    if (s.connection.serverPings.length > 0)
      t.info('SES-008', `the server sent heartbeat pings (${s.connection.serverPings.length} seen)`);
  });
  if (charged === 0) t.pass('ENV-003', 'no reply was missing, doubled or stray');
}
