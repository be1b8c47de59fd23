// The reference Omega in this process, with the clock control hook (or a faulty variant of it).
import { ReferenceOmega } from '../../fixtures/reference/server.ts';
import { variantByName } from '../../fixtures/variants/catalogue.ts';
import { applyVariant } from '../../fixtures/variants/variant.ts';
import type { OmikronIdentity } from '../identity/identities.ts';
import type { Dialect } from '../protocol/dialect.ts';
import type { LaunchedTarget } from './launcher.ts';

export async function launchEmbedded(
  dialect: Dialect,
  identities: readonly OmikronIdentity[],
  variant?: string,
): Promise<LaunchedTarget> {
  const behaviours = applyVariant(variant ? variantByName(variant) : undefined);
  const omega = await ReferenceOmega.start({ dialect, trusted: identities, clockControl: true, behaviours });
  return {
    kind: 'embedded',
    label: `embedded reference Omega (${dialect}${variant ? `, faulty variant ${variant}` : ''})`,
    url: omega.url,
    dialect,
    clock: { kind: 'control', url: omega.clockControlUrl! },
    logs: () => '',
    stop: () => omega.stop(),
  };
}
