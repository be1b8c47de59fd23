// npm run bench [-- --only certify,overhead,startup,properties,load,alternatives,mutants,regression,trace --runs N]
// The suite's own speed, medians of several runs, as a compact table; results in reports/out/bench.json.
// Not a test: it asserts nothing. Times mean little on a busy machine: the load average is printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { certifyTime } from './certify-time.ts';
import { loadBench } from './load.ts';
import { ROOT } from './measure.ts';
import { everyAlternativeBench, selftestBench } from './mutants.ts';
import { overhead } from './overhead.ts';
import { modelSteadyBench, propertiesBench, STEADY_SEQUENCES } from './properties.ts';
import { regressionBench } from './regression.ts';
import { ms, perS, type Row, renderTable, secs } from './table.ts';
import { startup } from './startup.ts';

const SECTIONS = [
  'overhead',
  'startup',
  'certify',
  'load',
  'properties',
  'alternatives',
  'mutants',
  'regression',
  'trace',
] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, runs: { type: 'string' } } });
const only = new Set((values.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim()));
for (const s of only)
  if (!(SECTIONS as readonly string[]).includes(s))
    throw new Error(`--only: unknown section "${s}" (${SECTIONS.join(', ')})`);
const runs = Math.max(1, Number(values.runs ?? 3));
const want = (s: Section) => only.has(s);
const note = (s: string) => process.stderr.write(`bench: ${s}\n`);

const results: Record<string, unknown> = {};
const rows: Row[] = [];
const load0 = loadavg()[0]!;

if (want('overhead')) {
  note('(2) harness overhead: 5000 sequential get_register round trips per round, 5 rounds');
  const o = await overhead(5000, 5);
  results.overhead = o;
  rows.push(
    [
      '(2) round trips through the harness',
      perS(o.harnessPerS),
      '',
      `median of ${o.rounds} rounds of ${o.roundTrips}`,
    ],
    ['    round trips, bare ws client', perS(o.barePerS), '', 'same frames, same in-process reference'],
    ['    harness / bare (wall time)', o.ratio.toFixed(2), '>= 0.9', 'median of back-to-back pairs'],
    [
      '    harness / bare (CPU time)',
      o.cpuRatio.toFixed(2),
      '>= 0.9',
      `${perS(o.harnessPerCpuS, '')} vs ${perS(o.barePerCpuS, '')} per CPU second`,
    ],
  );
}
if (want('startup')) {
  note(`(3) startup: ${runs} runs of --json-lines --dialect seed --only UM-REG-001`);
  const s = await startup(runs);
  results.startup = s;
  rows.push(
    ["(3) command -> 'start' event", secs(s.toStartMs), '', 'options, launch, handshake, dialect'],
    [
      '    command -> first scenario running',
      secs(s.toFirstScenarioMs),
      '<= 0.5 s',
      `first 'scenario' event minus its duration; CPU ${secs(s.cpuMs)} for the whole one-scenario run`,
    ],
  );
}
if (want('certify')) {
  note(`(1) full default certification of the embedded reference: ${runs} runs`);
  const c = await certifyTime(runs);
  results.certify = c;
  rows.push(
    [
      '(1) default certification, both dialects',
      secs(c.medianMs),
      '<= 6 s',
      `runs ${c.runsMs.map((x) => (x / 1000).toFixed(1)).join(', ')} s; exit ${[...new Set(c.exitCodes)].join('/')}`,
    ],
    [
      '    its CPU time (user + system)',
      secs(c.medianCpuMs),
      '',
      `runs ${c.cpuMs.map((x) => (x / 1000).toFixed(1)).join(', ')} s: what the load average does not change`,
    ],
  );
}
if (want('load')) {
  note(`(6) default load profile (50 x 200) against the reference: ${runs} runs`);
  const l = await loadBench(runs);
  results.load = l;
  rows.push(
    [
      '(6) load 50x200 (seed): throughput',
      perS(l.throughputPerS, ' replies/s'),
      '',
      `median of ${runs}; lost/wrong/crossed/unread: ${l.problems}`,
    ],
    [
      '    reply latency p50 / p95 / p99',
      `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.p99Ms)}`,
      '',
      'client and server share the machine',
    ],
  );
}
if (want('properties')) {
  note(`(4) property-based suites at the default budget (25 runs): median of ${runs} passes`);
  const p = await propertiesBench(25, runs);
  results.properties = p;
  if ('skipped' in p) rows.push(['(4) property-based speed', 'skipped', '', p.skipped]);
  else {
    if (p.model)
      rows.push([
        '(4) model-based sequences/s, default budget',
        perS(p.model.casesPerS),
        '>= 100/s',
        `${p.model.cases} sequences in ${secs(p.model.scenarioMs)} of scenario time (${secs(p.model.ms)} with vitest's start); ${perS(p.model.framesPerS, ' frames/s')}; passes ${p.model.passes.map((x) => x.casesPerS).join(', ')}/s, CPU ${p.model.passes.map((x) => secs(x.cpuMs)).join(', ')} per pass (all threads, vitest's start included)`,
      ]);
    note(`(4) the model over ${STEADY_SEQUENCES} sequences: median of ${runs} passes`);
    const steady = await modelSteadyBench(runs);
    (results.properties as Record<string, unknown>).modelSteady = steady;
    if (steady)
      rows.push([
        `    model, ${STEADY_SEQUENCES} sequences`,
        perS(steady.casesPerS),
        '>= 100/s',
        `the one-time costs of the scenario (order probe, first compilation) spread over ${STEADY_SEQUENCES}; passes ${steady.passes.map((x) => x.casesPerS).join(', ')}/s, CPU ${steady.passes.map((x) => secs(x.cpuMs)).join(', ')}`,
      ]);
    if (p.properties)
      rows.push([
        '    property requests/s',
        perS(p.properties.framesPerS),
        '',
        `${p.properties.frames} frames, ${p.properties.cases} cases in ${secs(p.properties.scenarioMs)} of scenario time (${secs(p.properties.ms)} with vitest's start)`,
      ]);
  }
}
if (want('alternatives')) {
  note(`(7) certifying every-alternative vs the reference, both dialects: ${runs} pairs`);
  const a = await everyAlternativeBench(runs);
  results.alternatives = a;
  rows.push([
    '(7) every-alternative / reference',
    a.ratio.toFixed(2),
    '<= 1.2',
    `${secs(a.everyAlternativeMedianMs)} vs ${secs(a.referenceMedianMs)} (medians of ${runs} pairs, both dialects); exit ${[...new Set(a.exitCodes)].join('/')}`,
  ]);
}
if (want('mutants')) {
  note('(5) the self-test: npm run selftest (every faulty variant on both bases, every alternative), once');
  const t = await selftestBench();
  results.selftest = t;
  rows.push(
    [
      '(5) self-test (npm run selftest)',
      secs(t.ms),
      '<= 3 min',
      `${t.cpuS === undefined ? '' : `${t.cpuS} s CPU; `}load average ${t.loadAverage[0].toFixed(1)} -> ${t.loadAverage[1].toFixed(1)}; exit ${t.exitCode}`,
    ],
    [
      '    variants caught, alternatives certified',
      `${t.caught ? `${t.caught.caught}/${t.caught.total}` : '?'}, ${t.certified ? `${t.certified.certified}/${t.certified.total}` : '?'}`,
      '',
      'every faulty variant on the reference and on every-alternative, every conformant alternative',
    ],
  );
}
if (want('trace')) rows.push(...(await (await import('./trace.ts')).traceSection(runs, results)));

if (want('regression')) {
  note('(7) regression checks: a 500-sequence differential run, a baseline comparison');
  const r = await regressionBench(500);
  results.regression = r.result;
  rows.push(...r.rows);
}

const machine = {
  node: process.version,
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? '?',
  loadAverageAtStart: load0,
  loadAverageAtEnd: loadavg()[0]!,
};
process.stdout.write(`${renderTable(rows)}\n`);
process.stdout.write(
  `machine: node ${machine.node}, ${machine.cpus} x ${machine.cpu}, load average ${load0.toFixed(1)} -> ${machine.loadAverageAtEnd.toFixed(1)}\n`,
);
const out = join(ROOT, 'reports/out');
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, 'bench.json'),
  `${JSON.stringify({ kind: 'omega-bench', at: new Date().toISOString(), machine, runs, results }, null, 2)}\n`,
);
process.stdout.write(`results: reports/out/bench.json\n`);
process.exit(0);
