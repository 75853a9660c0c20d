import { describe, expect, it } from 'vitest';
import type { User } from '../lib/session.tsx';
import { type NavItem, visibleNavItems } from './nav.ts';

const items: NavItem[] = [
  { to: '/art', label: 'Art', audience: 'everyone', order: 15 },
  { to: '/app', label: 'Dashboard', audience: 'signed-in', order: 10 },
  { to: '/studio/galleries', label: 'Galleries', audience: 'signed-in', order: 40, accountKinds: ['studio'] },
  { to: '/admin', label: 'Admin', audience: 'platform-admin', order: 90 },
  { to: '/app/api-keys', label: 'API keys', audience: 'signed-in', order: 25, minRole: 'admin' },
];
const user = { id: 'u', email: 'a@b.co', name: 'A', isPlatformAdmin: false } as User;
const labels = (xs: NavItem[]) => xs.map((x) => x.label);

describe('visibleNavItems', () => {
  it('shows account-kind links only while such an account is selected, in order', () => {
    expect(labels(visibleNavItems(items, null))).toEqual(['Art']);
    expect(labels(visibleNavItems(items, user, 'artist'))).toEqual(['Dashboard', 'Art']);
    expect(labels(visibleNavItems(items, user, null))).toEqual(['Dashboard', 'Art']);
    expect(labels(visibleNavItems(items, user, 'studio'))).toEqual(['Dashboard', 'Art', 'Galleries']);
    expect(labels(visibleNavItems(items, { ...user, isPlatformAdmin: true }, 'studio'))).toEqual([
      'Dashboard',
      'Art',
      'Galleries',
      'Admin',
    ]);
  });

  it('shows role-gated links only to admins and owners of the selected account', () => {
    expect(labels(visibleNavItems(items, user, 'studio', 'member'))).not.toContain('API keys');
    expect(labels(visibleNavItems(items, user, null, null))).not.toContain('API keys');
    expect(labels(visibleNavItems(items, user, 'studio', 'admin'))).toContain('API keys');
    expect(labels(visibleNavItems(items, user, 'organization', 'owner'))).toContain('API keys');
  });
});
