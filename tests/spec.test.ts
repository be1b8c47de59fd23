// SPEC.md and the requirement catalogue must agree on every id, level and text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specWithTables } from '../harness/spec/render-spec.ts';
import { AREAS, REQUIREMENTS } from '../harness/spec/requirements.ts';

const spec = readFileSync(new URL('../SPEC.md', import.meta.url), 'utf8');

describe('SPEC.md', () => {
  it('holds the requirement table generated from the catalogue (run `npm run spec` after editing it)', () => {
    expect(spec).toBe(specWithTables(spec));
  });

  it('names every requirement with its level', () => {
    for (const q of REQUIREMENTS) expect(spec).toContain(`| ${q.id} | ${q.level} |`);
  });

  it('has a decisions table row for every open question of PROTOCOL-NOTES.md', () => {
    const section = spec.slice(spec.indexOf('## 8. Decisions'), spec.indexOf('## 9. Requirements'));
    const rows = section
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| question') && !l.startsWith('|---'));
    expect(rows.length).toBeGreaterThanOrEqual(13);
  });
});

describe('the catalogue', () => {
  it('has unique, area-prefixed ids', () => {
    const ids = REQUIREMENTS.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const q of REQUIREMENTS) {
      expect(q.id.startsWith(`${q.area}-`), q.id).toBe(true);
      expect(Object.keys(AREAS)).toContain(q.area);
      expect(q.quote.length, q.id).toBeGreaterThan(0);
      expect(q.interpretation.length, q.id).toBeGreaterThan(0);
    }
  });

  it('keeps free choices of the server out of MUST', () => {
    // Error types, units, extra fields and extensions are recorded, never judged (SPEC.md section 1).
    for (const id of [
      'ENV-008',
      'SES-008',
      'ENC-004',
      'ENC-005',
      'ENC-006',
      'UM-REG-008',
      'UM-REG-009',
      'EXT-001',
      'EXT-002',
      'EXT-003',
    ]) {
      expect(REQUIREMENTS.find((q) => q.id === id)?.level).toBe('INFO');
    }
  });
});
