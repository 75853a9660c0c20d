import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { PlatformInfo } from '../../../src/http/platform-routes.ts';
import { api } from './api.ts';

/** How the server runs (dev mailbox, Stripe mode); it never changes while the page is open. */
export function usePlatformInfo() {
  return useQuery({
    queryKey: ['platform'],
    queryFn: () => api.get<z.infer<typeof PlatformInfo>>('/api/platform'),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
