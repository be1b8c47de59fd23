// A transcript becomes trace records from its entries' fields: the close code is a field, never read
// back from the entry's text.
import { describe, expect, it } from 'vitest';
import { Transcript } from '../harness/client/transcript.ts';
import { entryRecord } from '../harness/trace/from-transcript.ts';

describe('transcript to trace', () => {
  it('takes a close code from the entry, not from its text', () => {
    const t = new Transcript();
    t.record('c', 'event', 'close', 'close 4001 going away', 4001);
    // A close event without a code field has none, whatever its text says.
    t.record('c', 'event', 'close', 'close 1000 looks like a code');
    const [withCode, withoutCode] = t.entries.map((e) => entryRecord(e, 0, 'p/'));
    expect(withCode).toMatchObject({ connection: 'p/c', event: 'close', code: 4001 });
    expect(withoutCode).toMatchObject({ connection: 'p/c', event: 'close' });
    expect(withoutCode).not.toHaveProperty('code');
  });
});
