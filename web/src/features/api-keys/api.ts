import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiResponse, Schemas } from '../../lib/api-types.ts';

export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];
type KeyList = ApiResponse<'/accounts/{accountId}/api-keys', 'get'>;

const keys = (accountId: string) => ['api-keys', accountId] as const;
const path = (accountId: string) => `/api/accounts/${encodeURIComponent(accountId)}/api-keys`;

export function useApiKeys(accountId: string) {
  return useQuery({
    queryKey: keys(accountId),
    queryFn: ({ signal }) => api.get<KeyList>(path(accountId), undefined, signal).then((r) => r.data),
  });
}

export function useCreateApiKey(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: ApiKey['role'] }) => api.post<ApiKeyCreated>(path(accountId), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys(accountId) }),
  });
}

export function useRevokeApiKey(accountId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => api.delete(`${path(accountId)}/${encodeURIComponent(keyId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys(accountId) }),
  });
}
