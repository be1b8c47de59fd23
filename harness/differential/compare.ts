// Where two targets' steps differ (pure): the model's verdict first (a requirement one side broke at
// this step: a difference in judged behaviour), then the replies, then the state read back. A
// difference both models accepted is one of the choices the seed leaves open: informational.
import { type Exchange, exchangeLine, type Judgement, type SideStep } from './side.ts';

export type DivergenceKind = 'judged' | 'informational';

export interface StepDifference {
  readonly kind: DivergenceKind;
  /** What differs: the model's verdict, the reply type, the reply data, the state read back. */
  readonly aspects: readonly ('verdict' | 'reply type' | 'reply data' | 'state')[];
  /** One line for people. */
  readonly summary: string;
  /** The requirement behind it: the one broken (judged), or an informational one noted at the step. */
  readonly requirement?: string;
}

const lines = (xs: readonly Exchange[]): string[] => xs.map(exchangeLine);
const requests = (xs: readonly Exchange[]): string[] =>
  xs.filter((x) => x.request !== null).map((x) => `${x.connection} ${x.request}`);
const replyTypes = (xs: readonly Exchange[]): string =>
  xs.map((x) => `${x.request === null ? 'unasked ' : ''}${x.replyType ?? 'no reply'}`).join();

function firstDifference(a: readonly string[], b: readonly string[]): string {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return `${a[i] ?? '(nothing)'}  ≠  ${b[i] ?? '(nothing)'}`;
  return '';
}

const same = (a: Judgement | null, b: Judgement | null): boolean => a?.requirement === b?.requirement;

/**
 * Where the two sides were no longer sent the same requests (normalised), or null. The model derives
 * some values from what the server issued (an id "never registered" is one above an issued one), so a
 * server that issues other ids can be asked something else; and after an informational difference,
 * each side's model goes its own way. From there on only the models' verdicts are compared.
 */
export function requestsDiffer(a: SideStep, b: SideStep): string | null {
  const d = firstDifference(requests(a.exchanges), requests(b.exchanges));
  return d === '' ? null : d;
}

export function compareSteps(
  a: SideStep,
  b: SideStep,
  names: readonly [string, string],
  verdictOnly = false,
): StepDifference | null {
  const aspects: StepDifference['aspects'][number][] = [];
  if (!same(a.judgement, b.judgement)) aspects.push('verdict');
  if (verdictOnly && aspects.length === 0) return null;
  const exchangesDiffer = !verdictOnly && lines(a.exchanges).join('\n') !== lines(b.exchanges).join('\n');
  if (exchangesDiffer) {
    if (replyTypes(a.exchanges) !== replyTypes(b.exchanges)) aspects.push('reply type');
    else aspects.push('reply data');
  }
  if (!verdictOnly && a.state.join('\n') !== b.state.join('\n')) aspects.push('state');
  if (aspects.length === 0) return null;
  if (aspects.includes('verdict')) {
    const broke = a.judgement ?? b.judgement!;
    const who =
      a.judgement && b.judgement
        ? `both (${a.judgement.requirement} / ${b.judgement.requirement})`
        : names[a.judgement ? 0 : 1];
    return {
      kind: 'judged',
      aspects,
      requirement: broke.requirement,
      summary: `${who} broke ${broke.requirement} here: ${broke.message.split('\n')[0]}`,
    };
  }
  const detail = exchangesDiffer
    ? firstDifference(lines(a.exchanges), lines(b.exchanges))
    : firstDifference(a.state, b.state);
  const note = [...a.notes, ...b.notes][0];
  return {
    kind: 'informational',
    aspects,
    ...(note ? { requirement: note.requirement } : {}),
    summary: `${aspects.join(', ')} differ, a behaviour the model allows both ways: ${detail}`,
  };
}
