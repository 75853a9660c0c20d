import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../lib/api.ts';
import { SESSION_KEY } from '../lib/session.tsx';

/** Client errors (4xx) will not fix themselves; only network and server failures are worth retrying. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 408) return false;
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onUnauthenticated(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => onUnauthenticated(error, []) }),
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 15_000, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });

  // A 401 anywhere means the session ended (expired, signed out in another tab): refresh it so guards react.
  function onUnauthenticated(error: unknown, key: readonly unknown[]) {
    if (isApiError(error) && error.code === 'unauthenticated' && key[0] !== SESSION_KEY[0]) {
      void queryClient.invalidateQueries({ queryKey: SESSION_KEY });
    }
  }

  return queryClient;
}
