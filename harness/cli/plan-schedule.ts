// Several planned targets (the embedded reference in both dialects) certified at the same time, each
// against its own server, while what people and CI see stays as if they ran one after another: a
// plan's events and progress lines are held until every plan before it has published its reports,
// and the plans are published, and stop the command, in plan order.
import type { ProgressOutput } from '../../reports/progress.ts';
import type { EventSink, RunEvent } from '../run/events.ts';

/** Where one plan's run writes while it runs: straight through at the front, held behind it. */
export interface PlanOutput {
  /** The command's sink, held until this plan is at the front. */
  wrap(sink: EventSink): EventSink;
  /** The progress stream (stderr), held likewise. */
  readonly progress: ProgressOutput;
  /** Whether the progress line may be rewritten in place: only for a plan that starts at the front. */
  readonly front: boolean;
  /** Settles when this plan is at the front: every plan before it is published. */
  readonly atFront: Promise<void>;
}

class HeldOutput {
  private held: Array<() => void> | undefined = [];
  private reachFront!: () => void;
  readonly atFront = new Promise<void>((resolve) => {
    this.reachFront = resolve;
  });

  constructor(
    private readonly out: ProgressOutput,
    readonly front: boolean,
  ) {
    if (front) this.release();
  }

  private through(write: () => void): void {
    if (this.held) this.held.push(write);
    else write();
  }

  wrap(sink: EventSink): EventSink {
    return { emit: (e: RunEvent) => this.through(() => sink.emit(e)) };
  }

  readonly progress: ProgressOutput = {
    write: (text: string) => this.through(() => this.out.write(text)),
    get columns() {
      return undefined;
    },
  };

  /** This plan is at the front: what it held goes out, in the order it came, and nothing more is held. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    for (const write of held ?? []) write();
    this.reachFront();
  }
}

export interface Schedule<P, R> {
  readonly plans: readonly P[];
  /** Run the plans at the same time (else one after another, each started when the one before is published). */
  readonly concurrent: boolean;
  /** The stream progress lines go to (stderr); its columns are used only by the plan at the front. */
  readonly out: ProgressOutput;
  /** Run one plan to its report; must not throw (a plan that cannot start reports that). */
  run(plan: P, output: PlanOutput): Promise<R>;
  /** Publish one plan's report, in plan order; 'stop' ends the command (no later plan is published). */
  publish(plan: P, result: R): Promise<'next' | 'stop'>;
}

/**
 * Runs and publishes the plans. After a 'stop', runs still going are left behind: the command ends
 * the process next, as it would have before starting them one after another.
 */
export async function runSchedule<P, R>(s: Schedule<P, R>): Promise<void> {
  if (!s.concurrent) {
    for (const plan of s.plans) {
      const output = new HeldOutput(s.out, true);
      if ((await s.publish(plan, await s.run(plan, asPlanOutput(output, s.out)))) === 'stop') return;
    }
    return;
  }
  const outputs = s.plans.map((_, i) => new HeldOutput(s.out, i === 0));
  const runs = s.plans.map((plan, i) => s.run(plan, asPlanOutput(outputs[i]!, s.out)));
  for (const [i, plan] of s.plans.entries()) {
    outputs[i]!.release();
    if ((await s.publish(plan, await runs[i]!)) === 'stop') return;
  }
}

function asPlanOutput(o: HeldOutput, out: ProgressOutput): PlanOutput {
  return {
    wrap: (sink) => o.wrap(sink),
    // At the front from the start: the stream itself, its width for the live line included.
    progress: o.front ? out : o.progress,
    front: o.front,
    atFront: o.atFront,
  };
}
