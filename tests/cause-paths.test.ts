// One stray frame is charged to one requirement whichever path finds it: the scripted scenarios'
// sweep (Recorder.charge), the properties and the model (anomalyRequirement), the load profile
// (strayFinding). All three read the one table in harness/verdict/cause-table.ts.
import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../harness/client/causes.ts';
import { Transcript } from '../harness/client/transcript.ts';
import { strayFinding } from '../harness/load/findings.ts';
import { anomalyRequirement } from '../harness/properties/causes.ts';
import { Recorder } from '../harness/scenario/recorder.ts';
import { strayCause } from '../harness/verdict/cause-table.ts';

const at = { connection: 'omikron#0', at: 1 };
const STRAYS: readonly Anomaly[] = [
  { kind: 'unsolicited', id: 'made-up', frame: '{"type":"success"}', type: 'success', error: false, ...at },
  { kind: 'unsolicited', id: 'made-up', frame: '{"type":"error"}', type: 'error', error: true, ...at },
  { kind: 'duplicate', id: 'x', frame: '{"type":"pong"}', type: 'pong', error: false, ...at },
  { kind: 'no-id', frame: '{"type":"success"}', type: 'success', error: false, ...at },
  { kind: 'no-id', frame: '{"type":"error_x"}', type: 'error_x', error: true, ...at },
  { kind: 'not-json', frame: 'garbage', ...at },
  { kind: 'binary', length: 4, ...at },
];

/** What the scripted sweep fails for the frame. */
function scripted(a: Anomaly): string | null {
  const r = new Recorder('s', new Transcript());
  return r.charge(a, 'a stray frame');
}

describe('one stray frame, one requirement, on every path', () => {
  for (const a of STRAYS)
    it(`${a.kind}${'type' in a ? ` (${a.type})` : ''}`, () => {
      const req = scripted(a);
      expect(req).not.toBeNull();
      expect(anomalyRequirement(a).req).toBe(req);
      const kind =
        a.kind === 'duplicate'
          ? 'duplicate'
          : a.kind === 'not-json' || a.kind === 'binary'
            ? 'malformed'
            : 'wrong-id';
      expect(strayFinding(kind, 'omikron#0', 'found under load', a).requirement).toBe(req);
    });

  it('a reply that crossed from another connection: ENV-006 in the properties and under load', () => {
    const a = STRAYS[0]!;
    const crossed = strayCause(a, 'omikron#1');
    expect(crossed).toMatchObject({ kind: 'crossed', sentOn: 'omikron#1', id: 'made-up' });
    expect(anomalyRequirement(a, 'omikron#1').req).toBe('ENV-006');
    expect(strayFinding('crossed', 'omikron#0', 'crossed under load', crossed).requirement).toBe('ENV-006');
    expect(scripted(a)).toBe('ENV-003');
  });
});
