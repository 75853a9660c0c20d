import type { components, paths } from './api-schema.gen.ts';

/** The server's named response shapes (OpenAPI components), generated from its zod schemas. */
export type Schemas = components['schemas'];

/** The JSON body a route answers with for `status`, straight from the OpenAPI document. */
export type ApiResponse<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
  S extends number = 200,
> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;

/** The JSON body a route takes, straight from the OpenAPI document (fields with a server default come out required). */
export type ApiBody<
  P extends keyof paths,
  M extends 'get' | 'post' | 'put' | 'patch' | 'delete',
> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/**
 * A request body whose fields `K` have server-side defaults: openapi-typescript marks them required (they always
 * are after parsing), but a client may leave them out.
 */
export type WithDefaults<T, K extends keyof T> = Omit<T, K> & Partial<Pick<T, K>>;
