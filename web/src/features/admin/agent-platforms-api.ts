import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../lib/api.ts';
import type { ApiBody, ApiResponse, Schemas } from '../../lib/api-types.ts';

export type AgentPlatform = Schemas['AgentPlatform'];
export type AgentPlatformCreated = Schemas['AgentPlatformCreated'];
export type AgentPlatformInput = ApiBody<'/admin/agent-platforms', 'post'>;
type PlatformList = ApiResponse<'/admin/agent-platforms', 'get'>;

const key = ['admin', 'agent-platforms'] as const;
const path = '/api/admin/agent-platforms';

export function useAgentPlatforms() {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<PlatformList>(path, undefined, signal).then((r) => r.data),
  });
}

export function useRegisterAgentPlatform() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AgentPlatformInput) => api.post<AgentPlatformCreated>(path, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

export function useRevokeAgentPlatform() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<AgentPlatform>(`${path}/${encodeURIComponent(id)}/revoke`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
