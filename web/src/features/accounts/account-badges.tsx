import { Badge } from '../../components/ui/index.ts';
import type { AccountKind, Role } from '../../lib/session.tsx';
import { kindLabel, kindTone, roleLabel } from './kinds.ts';

export function KindBadge({ kind }: { kind: AccountKind }) {
  return <Badge tone={kindTone(kind)}>{kindLabel(kind)}</Badge>;
}

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={role === 'owner' ? 'warning' : role === 'admin' ? 'info' : 'neutral'}>{roleLabel(role)}</Badge>;
}
