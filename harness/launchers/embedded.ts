// The reference Omega in this process, with the clock control hook (or a faulty variant of it, a
// conformant alternative, or a variant layered on one: fixtures/reference/select.ts).
// The reference's modules load when it launches: by then the suites' vitest run has begun
// (harness/cli/certify-command.ts), so its worker boots meanwhile.
import type { Selected, Selection } from '../../fixtures/reference/select.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import { LaunchError, type LaunchedTarget } from './launcher.ts';

export async function launchEmbedded(
  dialect: Dialect,
  identities: readonly OmikronIdentity[],
  selection: Selection = {},
): Promise<LaunchedTarget> {
  let selected: Selected;
  try {
    selected = await selectedBehaviours(selection, dialect);
  } catch (e) {
    throw new LaunchError((e as Error).message);
  }
  const { ReferenceOmega } = await import('../../fixtures/reference/server.ts');
  const omega = await ReferenceOmega.start({
    dialect,
    trusted: identities,
    clockControl: true,
    behaviours: selected.behaviours,
  });
  return {
    kind: 'embedded',
    label: `embedded reference Omega (${dialect}${selected.description ? `, ${selected.description}` : ''})`,
    url: omega.url,
    dialect,
    clock: { kind: 'control', url: omega.clockControlUrl! },
    logs: () => omega.faults.join('\n'),
    stop: () => omega.stop(),
  };
}

/** The plain reference needs no catalogue: the variants and alternatives load only when one is named. */
async function selectedBehaviours(selection: Selection, dialect: Dialect): Promise<Selected> {
  if (!selection.variant && (!selection.base || selection.base === 'reference')) {
    const { REFERENCE } = await import('../../fixtures/reference/behaviours.ts');
    return { behaviours: REFERENCE, description: undefined };
  }
  const { selectBehaviours } = await import('../../fixtures/reference/select.ts');
  return selectBehaviours(selection, dialect);
}
