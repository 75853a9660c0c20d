import type { components, paths } from './api-schema.gen.ts';

/** The server's named response shapes (OpenAPI components), generated from its zod schemas. */
export type Schemas = components['schemas'];

/** The JSON body a route answers with for `status`, straight from the OpenAPI document. */
export type ApiResponse<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  S extends number = 200,
> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;
