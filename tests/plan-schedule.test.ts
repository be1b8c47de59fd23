// Plans certified at the same time read as if they ran one after another: output held behind the
// front plan, published in plan order, and a stop ends the command at the plan that stopped.
import { describe, expect, it } from 'vitest';
import { type PlanOutput, runSchedule } from '../harness/cli/plan-schedule.ts';
import type { EventSink, RunEvent } from '../harness/run/events.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

/** A plan that writes a progress line and an event, waits `ms`, writes again, and ends. */
interface FakePlan {
  readonly name: string;
  readonly ms: number;
  readonly stops?: boolean;
}

function schedule(plans: FakePlan[], concurrent: boolean) {
  const lines: string[] = [];
  const started: string[] = [];
  const sink: EventSink = {
    emit: (e: RunEvent) => lines.push(`event ${e.event === 'error' ? e.message : e.event}`),
  };
  const done = runSchedule({
    plans,
    concurrent,
    out: { write: (t: string) => lines.push(t) },
    run: async (plan: FakePlan, output: PlanOutput) => {
      started.push(plan.name);
      const events = output.wrap(sink);
      output.progress.write(`${plan.name} first`);
      events.emit({ event: 'error', message: `${plan.name} event` });
      await new Promise((r) => setTimeout(r, plan.ms));
      output.progress.write(`${plan.name} last`);
      return plan;
    },
    publish: async (plan) => {
      lines.push(`${plan.name} published`);
      return plan.stops ? 'stop' : 'next';
    },
  });
  return { lines, started, done };
}

describe('plan schedule', () => {
  it('concurrent: both start at once; the second, done first, is held until the first is published', async () => {
    const s = schedule(
      [
        { name: 'seed', ms: 60 },
        { name: 'tensamin', ms: 1 },
      ],
      true,
    );
    await tick();
    expect(s.started).toEqual(['seed', 'tensamin']);
    expect(s.lines).toEqual(['seed first', 'event seed event']); // tensamin's held
    await s.done;
    expect(s.lines).toEqual([
      'seed first',
      'event seed event',
      'seed last',
      'seed published',
      'tensamin first',
      'event tensamin event',
      'tensamin last',
      'tensamin published',
    ]);
  });

  it('concurrent: a plan that stops ends the command; later plans are neither shown nor published', async () => {
    const s = schedule(
      [
        { name: 'seed', ms: 20, stops: true },
        { name: 'tensamin', ms: 1 },
      ],
      true,
    );
    await s.done;
    expect(s.lines).toEqual(['seed first', 'event seed event', 'seed last', 'seed published']);
  });

  it('one after another: a plan starts once the one before is published', async () => {
    const s = schedule(
      [
        { name: 'seed', ms: 20 },
        { name: 'tensamin', ms: 1 },
      ],
      false,
    );
    await tick();
    expect(s.started).toEqual(['seed']);
    await s.done;
    expect(s.started).toEqual(['seed', 'tensamin']);
    expect(s.lines.indexOf('seed published')).toBeLessThan(s.lines.indexOf('tensamin first'));
  });

  it('a plan learns when it is at the front, and only the first may rewrite its line in place', async () => {
    const fronts: Array<[string, boolean]> = [];
    const reached: string[] = [];
    await runSchedule({
      plans: ['a', 'b'],
      concurrent: true,
      out: { write: () => {} },
      run: async (plan, output) => {
        fronts.push([plan, output.front]);
        await output.atFront;
        reached.push(plan);
        return plan;
      },
      publish: async (plan) => {
        reached.push(`${plan} published`);
        return 'next';
      },
    });
    expect(fronts).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(reached).toEqual(['a', 'a published', 'b', 'b published']);
  });
});
