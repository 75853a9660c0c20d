import type { BadgeTone } from '../../components/ui/index.ts';
import type { AccountKind, Role } from '../../lib/session.tsx';

export const ACCOUNT_KINDS: Array<{ value: AccountKind; label: string; description: string; tone: BadgeTone }> = [
  {
    value: 'studio',
    label: 'Studio',
    description: 'Photo studios delivering client galleries and prints',
    tone: 'accent',
  },
  { value: 'artist', label: 'Artist', description: 'Artists selling originals and editions', tone: 'violet' },
  { value: 'provider', label: 'Provider', description: 'Experts selling services for credits', tone: 'info' },
  {
    value: 'organization',
    label: 'Organization',
    description: 'Companies buying services and prints',
    tone: 'success',
  },
];

export function kindLabel(kind: AccountKind): string {
  return ACCOUNT_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export function kindTone(kind: AccountKind): BadgeTone {
  return ACCOUNT_KINDS.find((k) => k.value === kind)?.tone ?? 'neutral';
}

export const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', member: 'Member' };

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role] ?? role;
}
