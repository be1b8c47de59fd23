// Linearizability of a concurrent history against a sequential model (Herlihy & Wing), checked the
// way Jepsen's Knossos and Porcupine do it: a Wing–Gong search for an order of the operations that
// respects real time (an operation that returned before another was sent comes first) and that the
// model explains reply by reply, with memoisation over (operations placed, model state) as in
// Lowe's refinement. The model may be nondeterministic (a step returns every state the seed allows),
// and an operation without a reply may have taken effect or not. The search is bounded: past the
// bound the answer is "inconclusive", never a verdict.

/** One operation as the harness saw it. Times in ms on one monotonic clock (performance.now()). */
export interface HistoryOp<I, O> {
  /** For messages: "omikron#1 step 4: change status of user 17". */
  readonly label: string;
  /** When the request was sent. */
  readonly call: number;
  /** When its reply came; null when none came (it may have taken effect or not). */
  readonly ret: number | null;
  readonly input: I;
  readonly output: O | undefined;
  /**
   * Placed even without a reply: an operation known to take effect (an announcement, which gets no
   * reply). Without one, an operation lacking a reply may be left out.
   */
  readonly required?: boolean;
  /**
   * Operations (indices) that must come before this one besides real time: an announcement precedes
   * what its connection sent after it, whatever the clock says about other connections.
   */
  readonly after?: readonly number[];
}

/** Why an operation cannot come next in a given state (for the failure message). */
export interface Blame {
  readonly requirement: string;
  readonly why: string;
}

export interface SequentialModel<S, I, O> {
  readonly init: S;
  /** Every state the operation may lead to from `state` given its reply; none: the reply is impossible there. */
  step(state: S, input: I, output: O | undefined): readonly S[];
  /** Equal keys for equal states (memoisation). */
  key(state: S): string;
  /** Why the operation cannot come next in `state` (called only when step() gave no state). */
  blame(state: S, input: I, output: O | undefined): Blame;
  /** A short rendering of a state for messages. */
  show(state: S): string;
  /**
   * Whether the operation never changes the state (a read, a refused request). Such an operation is
   * placed as soon as it fits instead of being tried at every position: moving it earlier changes
   * no state any other operation sees and only loosens real time, so no order is lost.
   */
  readOnly?(input: I, output: O | undefined): boolean;
}

export type Linearization<S> =
  | { readonly kind: 'linearizable'; readonly order: readonly number[]; readonly explored: number }
  | {
      readonly kind: 'violation';
      /** The longest order found that explains every reply in it. */
      readonly prefix: readonly number[];
      /** The state after that prefix. */
      readonly state: S;
      /** Operations that could come next there, none explained, each with why. */
      readonly stuck: readonly { readonly op: number; readonly blame: Blame }[];
      readonly explored: number;
    }
  | { readonly kind: 'inconclusive'; readonly explored: number };

export interface CheckOptions {
  /** Search nodes before giving up (inconclusive). */
  readonly maxSteps?: number;
  /** Time before giving up (inconclusive): the search runs synchronously, so it must stay short. */
  readonly maxMs?: number;
}

class Exhausted extends Error {}

/** Whether some order of the operations, consistent with real time, explains every reply. */
export function checkLinearizable<S, I, O>(
  history: readonly HistoryOp<I, O>[],
  model: SequentialModel<S, I, O>,
  options: CheckOptions = {},
): Linearization<S> {
  const maxSteps = options.maxSteps ?? 200_000;
  const deadline = options.maxMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + options.maxMs;
  // Indices by call time: candidates are a prefix of the remaining ones in this order.
  const byCall = history.map((_, i) => i).sort((a, b) => history[a]!.call - history[b]!.call);
  // Branches are tried in reply order: a server applies a request about when it answers it, so the
  // first path is usually the server's own order and a linearizable history is decided at once.
  const retOf = (i: number) => history[i]!.ret ?? Number.POSITIVE_INFINITY;
  const byRet = [...byCall].sort((a, b) => retOf(a) - retOf(b) || history[a]!.call - history[b]!.call);
  const mustPlace = (op: HistoryOp<I, O>) => op.ret !== null || op.required === true;
  const completed = history.filter(mustPlace).length;
  const afterMask = history.map((op) => (op.after ?? []).reduce((m, j) => m | (1n << BigInt(j)), 0n));
  const visited = new Set<string>();
  const order: number[] = [];
  let best: { prefix: number[]; state: S } = { prefix: [], state: model.init };
  let explored = 0;

  const eligible = (placed: bigint, i: number): boolean => {
    const m = afterMask[i]!;
    return (placed & (1n << BigInt(i))) === 0n && (placed & m) === m;
  };
  // Real time: nothing may come before an operation that returned before it was sent.
  const minRetOf = (placed: bigint): number => {
    let minRet = Number.POSITIVE_INFINITY;
    for (const i of byCall) {
      const r = history[i]!.ret;
      if (r !== null && r < minRet && (placed & (1n << BigInt(i))) === 0n) minRet = r;
    }
    return minRet;
  };

  const search = (placed0: bigint, placedCompleted0: number, state: S): boolean => {
    let placed = placed0;
    let placedCompleted = placedCompleted0;
    // Read-only operations that fit now are placed at once (see SequentialModel.readOnly).
    let eager = 0;
    for (let again = model.readOnly !== undefined; again; ) {
      again = false;
      const minRet = minRetOf(placed);
      for (const i of byCall) {
        const op = history[i]!;
        if (op.call > minRet) break;
        if (!eligible(placed, i) || !model.readOnly!(op.input, op.output)) continue;
        if (model.step(state, op.input, op.output).length === 0) continue;
        placed |= 1n << BigInt(i);
        placedCompleted += mustPlace(op) ? 1 : 0;
        order.push(i);
        eager++;
        again = true;
        break;
      }
    }
    const undo = (): false => {
      order.length -= eager;
      return false;
    };
    if (placedCompleted === completed) return true;
    const memo = `${placed.toString(36)}|${model.key(state)}`;
    if (visited.has(memo)) return undo();
    visited.add(memo);
    if (++explored > maxSteps || ((explored & 255) === 0 && performance.now() > deadline))
      throw new Exhausted();
    if (order.length > best.prefix.length) best = { prefix: [...order], state };
    const minRet = minRetOf(placed);
    for (const i of byRet) {
      const op = history[i]!;
      if (op.call > minRet || !eligible(placed, i)) continue;
      for (const next of model.step(state, op.input, op.output)) {
        order.push(i);
        if (search(placed | (1n << BigInt(i)), placedCompleted + (mustPlace(op) ? 1 : 0), next)) return true;
        order.pop();
      }
    }
    return undo();
  };

  try {
    if (search(0n, 0, model.init)) return { kind: 'linearizable', order: [...order], explored };
  } catch (e) {
    if (e instanceof Exhausted) return { kind: 'inconclusive', explored };
    throw e;
  }
  return { kind: 'violation', ...best, stuck: stuckAfter(history, model, best), explored };
}

/** The operations that could come next after the best prefix, with why none fits. */
function stuckAfter<S, I, O>(
  history: readonly HistoryOp<I, O>[],
  model: SequentialModel<S, I, O>,
  best: { prefix: readonly number[]; state: S },
): { op: number; blame: Blame }[] {
  const placed = new Set(best.prefix);
  const rest = history.map((_, i) => i).filter((i) => !placed.has(i));
  const minRet = Math.min(...rest.map((i) => history[i]!.ret ?? Number.POSITIVE_INFINITY));
  return rest
    .filter((i) => history[i]!.call <= minRet && history[i]!.ret !== null)
    .filter((i) => (history[i]!.after ?? []).every((j) => placed.has(j)))
    .filter((i) => model.step(best.state, history[i]!.input, history[i]!.output).length === 0)
    .map((i) => ({ op: i, blame: model.blame(best.state, history[i]!.input, history[i]!.output) }));
}

/** The history, one line per operation ([sent, answered] ms after the first), for a failure message. */
export function renderHistory<I, O>(
  history: readonly HistoryOp<I, O>[],
  describe: (op: HistoryOp<I, O>) => string,
  limit = 60,
): string {
  const t0 = Math.min(...history.map((op) => op.call));
  const ms = (t: number) => (t - t0).toFixed(1).padStart(7);
  const lines = [...history]
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.call - b.op.call)
    .map(
      ({ op, i }) =>
        `  #${i} [${ms(op.call)} → ${op.ret === null ? ' no reply' : ms(op.ret)}] ${describe(op)}`,
    );
  return lines.length > limit
    ? [...lines.slice(0, limit), `  … and ${lines.length - limit} more`].join('\n')
    : lines.join('\n');
}

/** A violation as text: the longest explained order, what could not come next and why, the history. */
export function describeViolation<S, I, O>(
  v: Extract<Linearization<S>, { kind: 'violation' }>,
  history: readonly HistoryOp<I, O>[],
  model: SequentialModel<S, I, O>,
  describe: (op: HistoryOp<I, O>) => string,
): string {
  const prefix = v.prefix.length === 0 ? '(none)' : v.prefix.map((i) => `#${i}`).join(' ');
  const stuck = v.stuck.map((s) => `  #${s.op} ${describe(history[s.op]!)}: ${s.blame.why}`).join('\n');
  return [
    `no order of the ${history.length} operations, consistent with real time, explains every reply`,
    `longest explained order: ${prefix}; state then: ${model.show(v.state)}`,
    `could not come next:\n${stuck || '  (no operation was eligible)'}`,
    `history ([sent → answered] ms):\n${renderHistory(history, describe)}`,
  ].join('\n');
}
