import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Toaster } from '../components/ui/index.ts';
import { SessionProvider } from '../lib/session.tsx';

export function AppProviders({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      <Toaster>
        <SessionProvider>{children}</SessionProvider>
      </Toaster>
    </QueryClientProvider>
  );
}
