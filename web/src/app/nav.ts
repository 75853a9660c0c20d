import type { AccountKind, Role, User } from '../lib/session.tsx';

/** Who sees a header link; features declare this next to their routes. */
export type NavAudience = 'everyone' | 'signed-out' | 'signed-in' | 'platform-admin';

export type NavItem = {
  to: string;
  label: string;
  audience: NavAudience;
  /** Lower sorts first; features leave gaps (10, 20, …) so new items can slot in between. */
  order: number;
  /** Match the path exactly rather than as a prefix (e.g. `/app` should not light up on `/app/members`). */
  end?: boolean;
  /** Only while the selected account is one of these kinds (a studio's galleries mean nothing to an artist). */
  accountKinds?: AccountKind[];
  /** Only while the selected account gives the user at least this role (API keys are an admin's tool). */
  minRole?: Role;
};

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** The header links for this visitor and the account they have selected, in order. */
export function visibleNavItems(
  items: NavItem[],
  user: User | null,
  accountKind: AccountKind | null = null,
  role: Role | null = null,
): NavItem[] {
  return items
    .filter((item) => !item.accountKinds || (accountKind !== null && item.accountKinds.includes(accountKind)))
    .filter((item) => !item.minRole || (role !== null && RANK[role] >= RANK[item.minRole]))
    .filter((item) => {
      switch (item.audience) {
        case 'everyone':
          return true;
        case 'signed-out':
          return !user;
        case 'signed-in':
          return Boolean(user);
        case 'platform-admin':
          return Boolean(user?.isPlatformAdmin);
        default:
          return false;
      }
    })
    .sort((a, b) => a.order - b.order);
}
