// Progress of a run: human lines on stderr, or one JSON event per line on stdout (--json-lines).
import { type ScenarioResult, scenarioLabel } from './collector.ts';

export type RunEvent =
  | {
      readonly event: 'start';
      readonly target: string;
      readonly dialect: string;
      readonly dialectHow: string;
      readonly seed: number;
    }
  | {
      readonly event: 'scenario';
      readonly name: string;
      readonly state: string;
      readonly durationMs: number;
      readonly failures: readonly string[];
    }
  | {
      readonly event: 'requirement';
      readonly id: string;
      readonly level: string;
      readonly verdict: string;
      readonly summary: string;
    }
  | {
      readonly event: 'end';
      readonly dialect: string;
      readonly outcome: string;
      readonly exitCode: number;
      readonly reports: readonly string[];
    }
  | { readonly event: 'error'; readonly message: string };

export interface EventSink {
  emit(e: RunEvent): void;
}

export function scenarioEvent(s: ScenarioResult): RunEvent {
  return {
    event: 'scenario',
    name: scenarioLabel(s),
    state: s.state,
    durationMs: Math.round(s.durationMs),
    failures: s.checks.filter((c) => c.outcome === 'fail').map((c) => `${c.requirement}: ${c.message}`),
  };
}

export function jsonLinesSink(out: NodeJS.WritableStream = process.stdout): EventSink {
  return { emit: (e) => out.write(`${JSON.stringify(e)}\n`) };
}

export function consoleSink(
  opts: { quiet: boolean; color: boolean },
  err: NodeJS.WritableStream = process.stderr,
): EventSink {
  const paint = (code: string, s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  return {
    emit(e) {
      if (e.event === 'error') {
        err.write(`${paint('31', 'error:')} ${e.message}\n`);
        return;
      }
      if (opts.quiet) return;
      if (e.event === 'start')
        err.write(`certifying ${e.target} in the ${e.dialect} dialect (${e.dialectHow}), seed ${e.seed}\n`);
      if (e.event === 'scenario') {
        const mark = e.failures.length > 0 ? paint('31', '✗') : paint('32', '✓');
        err.write(`  ${mark} ${e.name} ${paint('2', `${e.durationMs} ms`)}\n`);
        for (const f of e.failures.slice(0, 3)) err.write(`      ${paint('31', f)}\n`);
      }
    },
  };
}
