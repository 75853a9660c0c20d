import { ArrowRightIcon } from '../../components/icons.tsx';
import { Card } from '../../components/ui/index.ts';
import { useSession } from '../../lib/session.tsx';
import { KindBadge, RoleBadge } from './account-badges.tsx';

/** Shown when the user belongs to several accounts and has not picked one yet. */
export function ChooseAccount({ heading = 'Choose an account to continue' }: { heading?: string }) {
  const { memberships, selectAccount } = useSession();
  return (
    <section aria-labelledby="choose-account-title">
      <h2 id="choose-account-title" className="mb-1 text-lg font-semibold">
        {heading}
      </h2>
      <p className="mb-5 text-sm text-muted">
        You belong to {memberships.length} accounts. You can switch any time from the header.
      </p>
      <ul className="grid gap-3 sm:grid-cols-2">
        {memberships.map((m) => (
          <li key={m.accountId}>
            <Card className="transition-shadow hover:shadow-md">
              <button
                type="button"
                onClick={() => selectAccount(m.accountId)}
                className="focus-ring flex w-full items-center gap-4 rounded-card p-5 text-left"
              >
                <div className="grid min-w-0 flex-1 gap-2">
                  <span className="truncate font-semibold">{m.name}</span>
                  <span className="flex flex-wrap gap-2">
                    <KindBadge kind={m.kind} />
                    <RoleBadge role={m.role} />
                  </span>
                </div>
                <ArrowRightIcon size={18} className="shrink-0 text-stone-400" />
              </button>
            </Card>
          </li>
        ))}
      </ul>
    </section>
  );
}
