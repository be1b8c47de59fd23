// SPEC.md and the requirement catalogue must agree on every id, level and text.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specWithTables } from '../harness/spec/render-spec.ts';
import { LEVEL_REASONS } from '../harness/spec/levels-audit.ts';
import {
  AREAS,
  asRequirementId,
  isRequirementId,
  REQUIREMENTS,
  type RequirementId,
  requirement,
} from '../harness/spec/requirements.ts';

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

describe('the levels audit (issue 11)', () => {
  it('gives every requirement a one-line reason for its level, in SPEC.md', () => {
    for (const q of REQUIREMENTS) {
      const why = LEVEL_REASONS[q.id];
      expect(why.length, q.id).toBeGreaterThan(20);
      expect(why.includes('\n'), q.id).toBe(false);
    }
    expect(spec).toContain('## 10. Levels audit');
  });

  it('keeps MUST for seed statements and unavoidable contracts only, as settled', () => {
    const level = (id: RequirementId) => requirement(id).level;
    for (const op of ['CHG', 'IOTA', 'DELU', 'DELI'] as const) {
      for (const n of ['001', '002', '005', '006'] as const) expect(level(`IDN-${op}-${n}`)).toBe('MUST');
      for (const n of ['003', '004'] as const) expect(level(`IDN-${op}-${n}`)).toBe('SHOULD');
    }
    for (const id of [
      'ENV-007',
      'SES-006',
      'BAD-003',
      'BAD-004',
      'BAD-008',
      'UM-DEL-003',
      'UM-REG-010',
      'UM-REG-011',
      'UM-REG-012',
      'UM-CHG-006',
    ] as const)
      expect(level(id), id).toBe('SHOULD');
    for (const id of ['BAD-006', 'IDN-007'] as const) expect(level(id), id).toBe('INFO');
    for (const id of ['BAD-005', 'BAD-010', 'UM-REG-006', 'UM-GET-006', 'ENV-001', 'ENV-003'] as const)
      expect(level(id), id).toBe('MUST');
  });
});

describe('typed requirement ids', () => {
  it('checks ids that come from outside at run time', () => {
    expect(isRequirementId('UM-GET-001')).toBe(true);
    expect(isRequirementId('UM-GET-0001')).toBe(false);
    expect(asRequirementId('IDN-DELI-004')).toBe('IDN-DELI-004');
    expect(() => asRequirementId('IDN-DELI-007')).toThrow(/unknown requirement id "IDN-DELI-007"/);
  });

  it('makes a typo a compile error (npm run typecheck)', () => {
    // @ts-expect-error: not an id of the catalogue
    const typo: RequirementId = 'UM-GET-0001';
    const idn: RequirementId = 'IDN-IOTA-003';
    expect([typo, idn]).toHaveLength(2);
  });
});
