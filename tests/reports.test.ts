// The report writers: JSON validates and round-trips, JUnit is well-formed with the right counts, the HTML is
// self-contained and escapes a hostile server, the console ends with its closing line, the schema file is current.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REPORT_SCHEMA_VERSION,
  type RequirementResult,
  type RunReport,
  runReportSchema,
} from '../harness/run/report-model.ts';
import { renderConsole } from '../reports/console.ts';
import { CONTENT_SECURITY_POLICY, renderHtml } from '../reports/html.ts';
import { InvalidReportError, REPORT_SCHEMA_FILE, renderJson, reportJsonSchemaText } from '../reports/json.ts';
import { renderJunit } from '../reports/junit.ts';
import { visible } from '../reports/text.ts';
import { writeReports } from '../reports/write.ts';

// ---- fixture ----------------------------------------------------------------------------------------------------

const HOSTILE = '<script>alert(1)</script> ]]> \u0001 & "quoted" \'single\'';
const TRANSCRIPT = [
  '     0.4ms o1 -> {"id":"6f1c","type":"get_user_data","data":{"user_id":17}}',
  `     2.1ms o1 <- {"type":"error","data":{"message":"${HOSTILE}"}}`,
  '     2.3ms o1 .. [note] barrier',
].join('\n');

type Check = RequirementResult['checks'][number];
const pass = (requirement: string, scenario: string, message = 'checked'): Check => ({
  requirement,
  outcome: 'pass',
  message,
  scenario,
});

function req(
  id: string,
  area: string,
  level: RequirementResult['level'],
  verdict: RequirementResult['verdict'],
  summary: string,
  checks: Check[],
  extra: Partial<RequirementResult> = {},
): RequirementResult {
  const broken = verdict === 'failed' || verdict === 'non-strict' || verdict === 'expected-failure';
  return {
    id,
    level,
    area,
    title: `Title of ${id}`,
    verdict,
    summary,
    stability: broken ? 'broken' : 'stable',
    durationMs: 120,
    checks,
    ...extra,
  };
}

function fixture(): RunReport {
  const requirements: RequirementResult[] = [
    req('ENV-001', 'ENV', 'MUST', 'passed', '2 checks passed', [
      pass('ENV-001', 'success replies carry ids'),
    ]),
    req('ENV-002', 'ENV', 'MUST', 'failed', `the error reply has no id: ${HOSTILE}`, [
      pass('ENV-002', 'error replies carry ids', 'an error reply came'),
      {
        requirement: 'ENV-002',
        outcome: 'fail',
        message: 'the error reply carries the id of its request',
        expected: 'id "6f1c"',
        actual: `no id; data.message ${HOSTILE}`,
        scenario: 'error replies carry ids',
        transcript: TRANSCRIPT,
        replay: 'omega-conformance --only ENV-002 --seed 42 --replay "ab:12"',
      },
    ]),
    req('ENV-008', 'ENV', 'INFO', 'informational', 'error types used: error, error_not_found', [
      {
        requirement: 'ENV-008',
        outcome: 'info',
        message: 'error types used: error, error_not_found',
        scenario: 's',
      },
    ]),
    req('UM-CHG-005', 'UM-CHG', 'SHOULD', 'non-strict', 'a taken username was accepted', [
      {
        requirement: 'UM-CHG-005',
        outcome: 'fail',
        message: 'changing to a taken username gets an error reply',
        expected: 'an error reply',
        actual: 'success',
        scenario: 'taken usernames',
        transcript: TRANSCRIPT,
      },
    ]),
    req('UM-TMO-001', 'UM-TMO', 'MUST', 'not-verified', 'no clock control: --clock none', [
      {
        requirement: 'UM-TMO-001',
        outcome: 'not-verified',
        message: 'no clock control: --clock none',
        scenario: 't',
      },
    ]),
    req(
      'UM-REG-002',
      'UM-REG',
      'MUST',
      'failed',
      'runs disagree (1× passed, 1× failed): two register ids were equal',
      [
        pass('UM-REG-002', 'unique register ids'),
        {
          requirement: 'UM-REG-002',
          outcome: 'fail',
          message: 'register ids are unique',
          expected: 'distinct ids',
          actual: '1732470000 twice',
          scenario: 'unique register ids',
        },
      ],
      { stability: 'flaky' },
    ),
    req(
      'UM-DEL-003',
      'UM-DEL',
      'MUST',
      'expected-failure',
      'deleting a missing user answered success',
      [
        {
          requirement: 'UM-DEL-003',
          outcome: 'fail',
          message: 'deleting a user that does not exist gets an error reply',
          expected: 'error',
          actual: 'success',
          scenario: 'delete missing',
        },
      ],
      { expectedFailure: 'ticket OM-12: fixed in 2.4' },
    ),
    req('EXT-003', 'EXT', 'INFO', 'not-applicable', 'applies to the seed dialect only', []),
  ];
  const counts: Record<string, number> = {
    passed: 1,
    failed: 2,
    'non-strict': 1,
    informational: 1,
    'not-verified': 1,
    'expected-failure': 1,
    'not-applicable': 1,
    flaky: 1,
  };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    suite: { name: 'omega-conformance', version: '0.1.0' },
    startedAt: '2025-11-24T19:20:11.000Z',
    durationMs: 12_345,
    target: {
      label: `vendor-omega ${HOSTILE}`,
      url: 'ws://127.0.0.1:4101/ws/omikron',
      kind: 'url',
      configHash: '0123456789abcdef',
      clock: 'none: no --clock given',
      logs: `server log line\n${HOSTILE}\n\u001b[31mred\u001b[0m`,
    },
    dialect: { name: 'tensamin', how: 'probed: get_iota_data answered' },
    seed: 42,
    runs: 25,
    repeat: 2,
    level: 'must',
    outcome: 'failed',
    exitCode: 1,
    problems: [
      '1 requirement(s) failed at level MUST: ENV-002',
      '1 requirement(s) gave different verdicts on repeated runs (flaky): UM-REG-002',
      `the target said ${HOSTILE}`,
    ],
    counts,
    requirements,
    scenarios: [
      { name: 'error replies carry ids', file: 'suites/envelope.test.ts', state: 'failed', durationMs: 120 },
      { name: `scenario ${HOSTILE}`, file: 'suites/envelope.test.ts', state: 'passed', durationMs: 30 },
    ],
    figures: {
      load: {
        connections: 50,
        requests: 10_000,
        histogram: [
          { leMs: 1, count: 5200 },
          { leMs: 5, count: 3900 },
          { leMs: 25, count: 800 },
          { leMs: 100, count: 100 },
        ],
      },
    },
  };
}

/** A passing run over the whole catalogue-sized list: 80 passed, 14 informational, 1 not applicable. */
function passingFixture(): RunReport {
  const base = fixture();
  const requirements = Array.from({ length: 95 }, (_, i) => {
    const id = `ENV-${String(i + 1).padStart(3, '0')}`;
    if (i >= 94) return req(id, 'ENV', 'INFO', 'not-applicable', 'applies to the seed dialect only', []);
    if (i >= 80) return req(id, 'ENV', 'INFO', 'informational', 'observed', []);
    return req(id, 'ENV', 'MUST', 'passed', '1 checks passed', [pass(id, 's')]);
  });
  const { logs: _logs, ...target } = base.target;
  return {
    ...base,
    target,
    outcome: 'passed',
    exitCode: 0,
    problems: [],
    requirements,
    counts: { passed: 80, informational: 14, 'not-applicable': 1 },
  };
}

// ---- a tiny XML 1.0 well-formedness check (no dependency) ----------------------------------------------------------

const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
const ATTRS = `(?:\\s+${NAME}\\s*=\\s*"[^"<]*")*`;
const TOKEN = new RegExp(
  `<(/?)(${NAME})(${ATTRS})\\s*(/?)>|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>|<!--[\\s\\S]*?-->`,
  'y',
);

/** Returns the element names in document order; throws on the first well-formedness error. */
function checkXml(xml: string): string[] {
  if (XML_ILLEGAL.test(xml)) throw new Error('character not allowed in XML 1.0');
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!prolog) throw new Error('no XML declaration');
  const stack: string[] = [];
  const names: string[] = [];
  let roots = 0;
  let i = prolog[0].length;
  const entitiesOk = (text: string, at: number) => {
    for (const m of text.matchAll(/&([^;]*);?/g)) {
      if (!/^(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+)$/.test(m[1] ?? '') || !m[0].endsWith(';')) {
        throw new Error(`bad entity ${m[0]} at ${at}`);
      }
    }
  };
  const textOk = (text: string, at: number) => {
    if (text.includes(']]>')) throw new Error(`]]> in text at ${at}`);
    entitiesOk(text, at);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root at ${at}`);
  };
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const end = lt === -1 ? xml.length : lt;
    textOk(xml.slice(i, end), i);
    if (lt === -1) break;
    TOKEN.lastIndex = lt;
    const m = TOKEN.exec(xml);
    if (!m) throw new Error(`malformed markup at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [all, close, name, attrs, selfClose] = m;
    if (name !== undefined) {
      const attrNames = [...(attrs ?? '').matchAll(new RegExp(`(${NAME})\\s*=`, 'g'))].map((a) => a[1]);
      if (new Set(attrNames).size !== attrNames.length) throw new Error(`duplicate attribute on <${name}>`);
      entitiesOk(attrs ?? '', lt);
      if (close) {
        if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element at ${lt}`);
      } else {
        if (stack.length === 0) roots++;
        names.push(name);
        if (!selfClose) stack.push(name);
      }
    }
    i = lt + all.length;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}

/** A C0 control character other than tab, newline, carriage return, or DEL. */
const rawControl = (s: string) =>
  [...s].some((ch) => {
    const c = ch.codePointAt(0)!;
    return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f;
  });

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

function testcaseOf(xml: string, id: string): string {
  const m = new RegExp(`<testcase [^>]*name="${id} [^"]*"[^>]*?(/>|>[\\s\\S]*?</testcase>)`).exec(xml);
  if (!m) throw new Error(`no testcase ${id}`);
  return m[0];
}

// ---- tests ---------------------------------------------------------------------------------------------------------

describe('renderJson', () => {
  it('validates and round-trips the report', () => {
    const report = fixture();
    const text = renderJson(report);
    expect(text.endsWith('}\n')).toBe(true);
    const back = JSON.parse(text);
    expect(runReportSchema.parse(back)).toEqual(report);
    expect(back).toEqual(report);
  });

  it('refuses an invalid report, naming what is wrong', () => {
    const bad = { ...fixture(), outcome: 'great' } as unknown as RunReport;
    expect(() => renderJson(bad)).toThrow(InvalidReportError);
    expect(() => renderJson(bad)).toThrow(/invalid run report[\s\S]*outcome/);
  });

  it('the committed JSON Schema is up to date (node --import tsx reports/write-schema.ts)', () => {
    expect(readFileSync(REPORT_SCHEMA_FILE, 'utf8')).toBe(reportJsonSchemaText());
    const schema = JSON.parse(reportJsonSchemaText());
    expect(schema.properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
    expect(schema.required).toContain('requirements');
  });
});

describe('renderJunit', () => {
  const report = fixture();
  const xml = renderJunit(report);

  it('is well-formed XML 1.0 with no raw control characters', () => {
    const names = checkXml(xml);
    expect(names[0]).toBe('testsuites');
    expect(rawControl(xml)).toBe(false);
    expect(xml).toContain('\\u0001');
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/\]\]>/);
  });

  it('has one testsuite per area and one testcase per requirement, with the right counts', () => {
    const names = checkXml(xml);
    expect(names.filter((n) => n === 'testsuite')).toHaveLength(6);
    expect(names.filter((n) => n === 'testcase')).toHaveLength(8);
    const root = /<testsuites [^>]*>/.exec(xml)![0];
    expect(attr(root, 'tests')).toBe('8');
    // ENV-002 failed and UM-REG-002 flaky; UM-CHG-005 is non-strict at level MUST: not a failure.
    expect(attr(root, 'failures')).toBe('2');
    expect(attr(root, 'skipped')).toBe('1');
    expect(attr(root, 'errors')).toBe('0');
    expect(attr(root, 'time')).toBe('12.345');
    const env = /<testsuite name="ENV" [^>]*>/.exec(xml)![0];
    expect([attr(env, 'tests'), attr(env, 'failures'), attr(env, 'skipped')]).toEqual(['3', '1', '0']);
    expect(testcaseOf(xml, 'ENV-001')).toMatch(
      /^<testcase classname="ENV" name="ENV-001 Title of ENV-001" time="0.120"\/>$/,
    );
  });

  it('carries the run properties', () => {
    for (const [k, v] of [
      ['dialect', 'tensamin'],
      ['seed', '42'],
      ['configHash', '0123456789abcdef'],
    ]) {
      expect(xml).toContain(`<property name="${k}" value="${v}"/>`);
    }
    expect(xml).toContain('<property name="target" value="vendor-omega &lt;script&gt;');
  });

  it('renders each verdict as CI tools expect', () => {
    const failed = testcaseOf(xml, 'ENV-002');
    expect(failed).toMatch(
      /<failure type="failed" message="the error reply has no id: &lt;script&gt;alert\(1\)&lt;\/script&gt; \]\]&gt; \\u0001 &amp; &quot;quoted&quot;/,
    );
    expect(failed).toContain('expected: id "6f1c"');
    expect(failed).toContain('actual:   no id; data.message &lt;script&gt;');
    expect(failed).toContain('replay:   omega-conformance --only ENV-002');
    expect(failed).toContain('o1 -&gt; {"id":"6f1c"');
    expect(testcaseOf(xml, 'UM-REG-002')).toMatch(/<failure type="flaky" message="flaky: runs disagree/);
    expect(testcaseOf(xml, 'UM-TMO-001')).toMatch(
      /<skipped message="not verified: no clock control: --clock none"\/>/,
    );
    const nonStrict = testcaseOf(xml, 'UM-CHG-005');
    expect(nonStrict).not.toContain('<failure');
    expect(nonStrict).toContain('<system-out>non-strict');
    for (const id of ['ENV-008', 'EXT-003', 'UM-DEL-003']) {
      expect(testcaseOf(xml, id)).not.toMatch(/<failure|<skipped/);
      expect(testcaseOf(xml, id)).toContain('<system-out>');
    }
    expect(testcaseOf(xml, 'UM-DEL-003')).toContain('expected failure: ticket OM-12');
  });

  it('a non-strict SHOULD is a failure at level SHOULD', () => {
    const atShould = renderJunit({ ...report, level: 'should' });
    checkXml(atShould);
    expect(testcaseOf(atShould, 'UM-CHG-005')).toMatch(
      /<failure type="non-strict" message="a taken username was accepted">/,
    );
    expect(attr(/<testsuites [^>]*>/.exec(atShould)![0], 'failures')).toBe('3');
  });

  it('a run its bound stopped has an erroring test case, failed requirements or not', () => {
    const stopped = renderJunit({
      ...report,
      exitCode: 2,
      problems: ['the run was stopped before its scenarios ended: the run deadline of 4 s passed'],
      stopped: { kind: 'deadline', deadlineMs: 4000, message: 'the run deadline of 4 s passed' },
    });
    checkXml(stopped);
    expect(stopped).toMatch(
      /<testcase classname="run" name="run ended early: deadline"><error type="deadline" message="the run was stopped before its scenarios ended/,
    );
    const root = /<testsuites [^>]*>/.exec(stopped)![0];
    expect([attr(root, 'failures'), attr(root, 'errors')]).toEqual(['2', '1']);
  });

  it('stays well-formed whatever the server sends', () => {
    const nasty = `]]><![CDATA[x]]> </testcase> &bogus; \u0000\u0008\u000b\u000c\u001f\u007f\u0085\ud800 \uffff 🙂 "' \r\n\t`;
    const r = fixture();
    const requirements = r.requirements.map((q) => ({
      ...q,
      title: nasty,
      summary: nasty,
      checks: q.checks.map((c) => ({
        ...c,
        message: nasty,
        actual: nasty,
        transcript: nasty,
        scenario: nasty,
      })),
    }));
    const x = renderJunit({ ...r, problems: [nasty], dialect: { name: 'seed', how: nasty }, requirements });
    expect(() => checkXml(x)).not.toThrow();
    expect(x).toContain('🙂');
  });
});

describe('renderHtml', () => {
  const report = fixture();
  const html = renderHtml(report);
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];

  it('escapes everything from the server: no injected markup', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(scripts).toHaveLength(1);
    expect(rawControl(html)).toBe(false);
    const hostile = renderHtml({
      ...report,
      problems: ['<img src=x onerror=alert(1)>', '</pre></textarea></style><svg onload=alert(1)>'],
      target: { ...report.target, label: '"><iframe srcdoc=x>' },
      dialect: { name: 'seed', how: "' onmouseover='alert(1)" },
    });
    expect(hostile).not.toMatch(/<(img|iframe|textarea)\b|<svg onload|onmouseover='/i);
    expect((hostile.match(/<\/style>/g) ?? []).length).toBe(1);
  });

  it('is self-contained: no external assets, a CSP allowing only its own script', () => {
    expect(html).not.toMatch(/<link[^>]+href\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]+src\s*=/i);
    expect(html).not.toMatch(/(src|href|action)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(html).not.toMatch(/https?:\/\//i);
    const script = scripts[0]![1]!;
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(CONTENT_SECURITY_POLICY).toContain(`'sha256-${hash}'`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'none'/);
    expect(html).toContain(`content="${CONTENT_SECURITY_POLICY.replaceAll("'", '&#39;')}"`);
    expect(() => new Function(script)).not.toThrow();
  });

  it('shows the verdict banner, the problems and every failure with its evidence', () => {
    expect(html).toContain('<span class="outcome">FAILED</span>');
    expect(html).toContain('tensamin (probed: get_iota_data answered)');
    expect(html).toContain('2025-11-24 19:20:11 UTC');
    expect(html).toContain('omega-conformance 0.1.0');
    expect(html).toContain('1 requirement(s) failed at level MUST: <a href="#req-ENV-002">ENV-002</a>');
    for (const id of ['ENV-002', 'UM-REG-002', 'UM-CHG-005', 'UM-DEL-003'])
      expect(html).toContain(`id="req-${id}"`);
    expect(html).toContain('<h4>Expected</h4><pre>id &quot;6f1c&quot;</pre>');
    expect(html).toContain(
      '<pre class="replay">omega-conformance --only ENV-002 --seed 42 --replay &quot;ab:12&quot;</pre>',
    );
    expect(html).toMatch(/<details open><summary>Wire transcript[^<]*<\/summary><pre class="transcript">/);
    expect(html).toContain('<pre class="logs">server log line');
  });

  it('lists every requirement in the table, visible without JavaScript', () => {
    expect((html.match(/<tr class="req /g) ?? []).length).toBe(8);
    expect(html).toMatch(/<form id="filters" class="filters" hidden>/);
    expect(html).not.toMatch(/<tr class="req[^>]* hidden/);
    expect(html).not.toMatch(/<details(?! open)/);
  });

  it('draws the latency histogram only when there is one', () => {
    expect((html.match(/<rect /g) ?? []).length).toBe(4);
    const { figures: _f, ...without } = report;
    expect(renderHtml(without)).not.toContain('<svg');
    expect(renderHtml({ ...report, figures: { load: { histogram: 'nope' } } })).not.toContain('<svg');
  });

  it('says PASSED and PARTIAL in the banner', () => {
    expect(renderHtml(passingFixture())).toContain('<span class="outcome">PASSED</span>');
    const partial = renderHtml({ ...passingFixture(), outcome: 'partial' });
    expect(partial).toContain('<span class="outcome">PARTIAL</span>');
  });
});

describe('renderConsole', () => {
  it('lists what needs a look and ends with the closing line', () => {
    const out = renderConsole(fixture(), { color: false, reportDir: 'reports/out' });
    const lines = out.split('\n');
    expect(lines.at(-1)).toBe('1 passed, 2 failed, 1 skipped');
    for (const id of ['ENV-002', 'UM-REG-002', 'UM-CHG-005', 'UM-TMO-001']) {
      expect(lines.filter((l) => l.includes(id) && l.startsWith('  ') && !l.startsWith('  - '))).toHaveLength(
        1,
      );
    }
    expect(out).not.toMatch(/ENV-001|EXT-003 /);
    expect(out).toContain('reports/out/report.html');
    expect(out).toMatch(/^verdict: FAILED at level MUST \(exit code 1\)/m);
    expect(rawControl(out)).toBe(false);
    expect(out).not.toContain('\n\n');
  });

  it('keeps a passing run short, and the closing line uncoloured', () => {
    const out = renderConsole(passingFixture(), { color: true, reportDir: 'reports/out' });
    const lines = out.split('\n');
    expect(lines.length).toBeLessThanOrEqual(30);
    expect(lines.at(-1)).toBe('80 passed, 0 failed');
    expect(out).toContain('\u001b[');
  });

  it('caps the list for a run that fails everything', () => {
    const r = passingFixture();
    const requirements = r.requirements.map((q) => ({
      ...q,
      verdict: 'failed' as const,
      summary: 'x',
      stability: 'broken' as const,
    }));
    const out = renderConsole({ ...r, outcome: 'failed', exitCode: 1, requirements }, { color: false });
    expect(out.split('\n').length).toBeLessThanOrEqual(30);
    expect(out.split('\n').at(-1)).toBe('0 passed, 95 failed');
  });
});

describe('writeReports', () => {
  it('writes the three files and returns their paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-reports-'));
    try {
      const out = join(dir, 'nested', 'out');
      const written = await writeReports(fixture(), out);
      expect(written).toEqual({
        json: join(out, 'report.json'),
        junit: join(out, 'junit.xml'),
        html: join(out, 'report.html'),
      });
      expect(runReportSchema.parse(JSON.parse(readFileSync(written.json, 'utf8')))).toEqual(fixture());
      checkXml(readFileSync(written.junit, 'utf8'));
      expect(readFileSync(written.html, 'utf8')).toMatch(/^<!doctype html>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes nothing for an invalid report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'omega-reports-'));
    try {
      const bad = { ...fixture(), seed: 'x' } as unknown as RunReport;
      await expect(writeReports(bad, join(dir, 'out'))).rejects.toThrow(InvalidReportError);
      expect(() => readFileSync(join(dir, 'out', 'report.html'))).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('visible', () => {
  it('shows control characters and lone surrogates as \\uXXXX and keeps the rest', () => {
    expect(visible('a\u0001b\u001b[31m\tc\n\u0085\ud800🙂\uffff')).toBe(
      'a\\u0001b\\u001b[31m\tc\n\\u0085\\ud800🙂\\uffff',
    );
    const s = 'plain text';
    expect(visible(s)).toBe(s);
  });
});
