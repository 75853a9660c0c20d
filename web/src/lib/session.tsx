import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, rememberCsrfToken } from './api.ts';
import type { Schemas } from './api-types.ts';

export type User = Schemas['User'];
export type Membership = Schemas['Membership'];
export type AccountKind = Membership['kind'];
export type Role = Membership['role'];
export type SessionPayload = Schemas['Session'];

export const SESSION_KEY = ['session'] as const;
/** The account selected in this browser right now (shared by its tabs, forgotten on sign-out). */
export const ACCOUNT_STORAGE_KEY = 'gallerist.accountId';
/** The account each user last worked in, kept across sign-outs so signing in again returns there. */
export const lastAccountStorageKey = (userId: string) => `gallerist.lastAccount.${userId}`;

export async function fetchSession(): Promise<SessionPayload> {
  const session = await api.get<SessionPayload>('/api/auth/session');
  rememberCsrfToken(session.csrfToken);
  return { ...session, memberships: session.memberships ?? [] };
}

function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null; // Storage can be disabled (private modes, sandboxed iframes); selection then lasts the tab.
  }
}

function writeStored(key: string, id: string | null): void {
  try {
    if (id) localStorage.setItem(key, id);
    else localStorage.removeItem(key);
  } catch {
    // See readStored.
  }
}

const readStoredAccountId = () => readStored(ACCOUNT_STORAGE_KEY);
const writeStoredAccountId = (id: string | null) => writeStored(ACCOUNT_STORAGE_KEY, id);

/**
 * Picks the active membership: the browser's current choice if the user still belongs to it, else the account they
 * last used, else their first. Someone with accounts always has one selected.
 */
export function resolveCurrentAccount(
  memberships: Membership[],
  storedId: string | null,
  lastUsedId: string | null = null,
): Membership | null {
  return (
    memberships.find((m) => m.accountId === storedId) ??
    memberships.find((m) => m.accountId === lastUsedId) ??
    memberships[0] ??
    null
  );
}

type SessionContextValue = {
  status: 'pending' | 'error' | 'success';
  error: Error | null;
  refetch: () => void;
  user: User | null;
  memberships: Membership[];
  currentAccount: Membership | null;
  selectAccount: (accountId: string) => void;
};

const NO_MEMBERSHIPS: Membership[] = [];

const SessionContext = createContext<SessionContextValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 });
  const [storedId, setStoredId] = useState<string | null>(readStoredAccountId);

  // Keep tabs in agreement when the account is switched elsewhere.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === ACCOUNT_STORAGE_KEY) setStoredId(event.newValue);
    };
    window.addEventListener('storage', onStorage);
    return () => window.removeEventListener('storage', onStorage);
  }, []);

  const memberships = query.data?.memberships ?? NO_MEMBERSHIPS;
  const userId = query.data?.user?.id ?? null;
  // Read once per user (and again when the selection changes), not on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: storedId changes mean the stored values may have too
  const lastUsedId = useMemo(() => (userId ? readStored(lastAccountStorageKey(userId)) : null), [userId, storedId]);
  const currentAccount = resolveCurrentAccount(memberships, storedId, lastUsedId);

  // Signing out (here or in another tab) forgets the selection, so a shared browser does not leak it.
  const signedOut = query.status === 'success' && !query.data.user;
  useEffect(() => {
    if (signedOut && storedId) {
      writeStoredAccountId(null);
      setStoredId(null);
    }
  }, [signedOut, storedId]);

  // Persist an automatic choice so it is explicit from then on, and remember it as this user's last account.
  useEffect(() => {
    if (!currentAccount) return;
    if (userId) writeStored(lastAccountStorageKey(userId), currentAccount.accountId);
    if (currentAccount.accountId !== storedId) {
      writeStoredAccountId(currentAccount.accountId);
      setStoredId(currentAccount.accountId);
    }
  }, [currentAccount, storedId, userId]);

  const selectAccount = useCallback(
    (accountId: string) => {
      writeStoredAccountId(accountId);
      if (userId) writeStored(lastAccountStorageKey(userId), accountId);
      setStoredId(accountId);
      // Everything but the session is account-scoped, so refetch it for the new account.
      void queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
    },
    [queryClient, userId],
  );

  const value = useMemo<SessionContextValue>(
    () => ({
      status: query.status,
      error: query.error,
      refetch: () => void query.refetch(),
      user: query.data?.user ?? null,
      memberships,
      currentAccount,
      selectAccount,
    }),
    [query.status, query.error, query.refetch, query.data, memberships, currentAccount, selectAccount],
  );

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}

/** The active account membership, or null when the user belongs to none. */
export function useCurrentAccount(): Membership | null {
  return useSession().currentAccount;
}

export function canManageMembers(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Stores a fresh session (after sign-in, an emailed link or password reset) and drops data cached for anyone else. */
export function applySession(queryClient: QueryClient, session: SessionPayload): void {
  rememberCsrfToken(session.csrfToken);
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
  queryClient.setQueryData<SessionPayload>(SESSION_KEY, { ...session, memberships: session.memberships ?? [] });
}

export type SignInInput = Schemas['SignInInput'];

export function useSignIn() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SignInInput) => api.post<SessionPayload>('/api/auth/sign-in', input),
    onSuccess: (session) => applySession(queryClient, session),
  });
}

let signedOutAt = 0;

/** True right after a deliberate sign-out, so guards send the user home rather than to the sign-in page. */
export function justSignedOut(): boolean {
  return Date.now() - signedOutAt < 5000;
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    // `leave` runs before the session is cleared, so the caller navigates while it is still mounted.
    mutationFn: async (leave?: () => void) => {
      await api.post<void>('/api/auth/sign-out');
      signedOutAt = Date.now();
      leave?.();
    },
    onSuccess: () => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== SESSION_KEY[0] });
      queryClient.setQueryData<SessionPayload>(SESSION_KEY, (prev) => ({
        user: null,
        memberships: [],
        csrfToken: prev?.csrfToken ?? '',
      }));
      // The server may rotate the CSRF token on sign-out; pick up the new one.
      void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    },
  });
}
