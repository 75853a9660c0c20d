import { accountsModule } from './accounts/module.ts';
import { agentsModule } from './agents/module.ts';
import { commerceModule } from './commerce/module.ts';
import type { OfferingHooks } from './commerce/offerings.ts';
import type { OfferingType } from './commerce/tables.ts';
import { creditsModule } from './credits/module.ts';
import { jobsModule } from './jobs/module.ts';
import { mailModule } from './mail/module.ts';
import { marketplaceModule } from './marketplace/module.ts';
import { type Assembly, assemble, type DomainModule, type ModuleDeps } from './modules.ts';
import { shopModule } from './shop/module.ts';
import { storageModule } from './storage/module.ts';

/**
 * The platform's domains, in the order their parts are mounted and their seeders run. The server, the CLI, the
 * tests and the MCP server (`gallerist mcp`) all build the app from this one list.
 */
export const platformModules: readonly DomainModule[] = [
  jobsModule,
  accountsModule,
  mailModule,
  storageModule,
  commerceModule,
  shopModule(),
  marketplaceModule,
  creditsModule,
  agentsModule,
];

/** Every module's demo seeders, for `seed --demo` and tests that want the demo data without a running app. */
export const platformSeeders = platformModules.flatMap((m) => m.seeders ?? []);

/** Builds the platform from its modules (or a test's variant of the list). */
export function assemblePlatform(
  base: Omit<ModuleDeps, 'commerce'>,
  modules: readonly DomainModule[] = platformModules,
): Assembly {
  return assemble(modules, base);
}

/** The list with one module swapped for another of the same name (tests: a shop with a fake lab, an offering). */
export function replaceModule(modules: readonly DomainModule[], replacement: DomainModule): DomainModule[] {
  if (!modules.some((m) => m.name === replacement.name)) throw new Error(`No module named ${replacement.name}`);
  return modules.map((m) => (m.name === replacement.name ? replacement : m));
}

/** The list with the hooks of one offering type replaced (tests: an offering that counts its hook calls). */
export function replaceOffering(
  modules: readonly DomainModule[],
  type: OfferingType,
  hooks: OfferingHooks,
): DomainModule[] {
  const without = modules.map(
    (m): DomainModule => ({
      ...m,
      build(deps) {
        const parts = m.build(deps);
        if (!parts.offerings?.[type]) return parts;
        const { [type]: _replaced, ...offerings } = parts.offerings;
        return { ...parts, offerings };
      },
    }),
  );
  return [...without, { name: `${type}-offering`, build: () => ({ offerings: { [type]: hooks } }) }];
}
