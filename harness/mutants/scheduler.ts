// The lanes of the self-test, shared by every pool of a process: `npm run selftest` runs the mutation
// run and the alternatives run on one scheduler, so neither waits for the other's last runs (or its
// confirming runs) with a core idle. A free lane takes the heaviest waiting job first (longest jobs
// first keeps the end of the run from waiting on one long job), in submission order among equals.
import { batchLane, type Lane, processLane } from './lane.ts';

export interface SchedulerOptions {
  /** Lanes, each one CLI run at a time. */
  readonly concurrency: number;
  /** One `batch` CLI process per lane (default), or a CLI process per run. */
  readonly batch?: boolean;
  /** What is started, before the CLI's arguments. */
  readonly command: readonly string[];
}

export interface Scheduler {
  /**
   * Runs `work` on a free lane, heaviest first among the waiting; `ownLane`: at once, on a lane of its
   * own beside the others (a subject slow by choice, which mostly waits: it must not hold a lane the
   * CPU-bound runs need, nor wait for one).
   */
  submit<T>(weight: number, work: (lane: Lane) => Promise<T>, ownLane?: boolean): Promise<T>;
  /** No more work: each lane's batch ends once it is free; settles when every lane's has. */
  close(): Promise<void>;
}

interface Waiting {
  readonly weight: number;
  readonly seq: number;
  start(lane: Lane): Promise<void>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const concurrency = Math.max(1, options.concurrency);
  const idle: Lane[] = [];
  const waiting: Waiting[] = [];
  let lanes = 0;
  let seq = 0;
  let closed = false;
  const closing: Promise<void>[] = [];

  const newLane = (): Lane =>
    options.batch === false ? processLane(options.command) : batchLane(options.command);

  const release = (lane: Lane): void => {
    idle.push(lane);
    dispatch(); // work submitted after close() still runs
    if (closed) for (const free of idle.splice(0)) closing.push(free.close());
  };

  function dispatch(): void {
    while (waiting.length > 0 && (idle.length > 0 || lanes < concurrency)) {
      let best = 0;
      for (let i = 1; i < waiting.length; i++) {
        const w = waiting[i]!;
        const b = waiting[best]!;
        if (w.weight > b.weight || (w.weight === b.weight && w.seq < b.seq)) best = i;
      }
      const next = waiting.splice(best, 1)[0]!;
      let lane = idle.pop();
      if (!lane) {
        lanes++;
        lane = newLane();
      }
      const taken = lane;
      void next.start(taken).finally(() => release(taken));
    }
  }

  return {
    submit: <T>(weight: number, work: (lane: Lane) => Promise<T>, ownLane = false) =>
      new Promise<T>((resolve, reject) => {
        if (ownLane) {
          const lane = newLane();
          void work(lane)
            .finally(() => closing.push(lane.close()))
            .then(resolve, reject);
          return;
        }
        waiting.push({ weight, seq: seq++, start: (lane) => work(lane).then(resolve, reject) });
        dispatch();
      }),
    close: async () => {
      closed = true;
      for (const lane of idle.splice(0)) closing.push(lane.close());
      await Promise.all(closing);
    },
  };
}
