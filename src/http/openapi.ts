import { createRoute, OpenAPIHono, type RouteConfig, z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './context.ts';

/** The one error body every 4xx/5xx uses. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  })
  .openapi('Error');

const errorResponses = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: ErrorBody } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: ErrorBody } } },
  403: { description: 'Forbidden or CSRF token missing', content: { 'application/json': { schema: ErrorBody } } },
  404: { description: 'Not found', content: { 'application/json': { schema: ErrorBody } } },
  409: { description: 'Conflict with current state', content: { 'application/json': { schema: ErrorBody } } },
} as const;

/** Turns zod issues into `{ fieldErrors, formErrors }` so clients can show errors per field. */
export function flattenIssues(issues: z.core.$ZodIssue[]): {
  fieldErrors: Record<string, string[]>;
  formErrors: string[];
} {
  // No prototype: a field named `__proto__` or `constructor` must be just a key here.
  const fieldErrors: Record<string, string[]> = Object.create(null);
  const formErrors: string[] = [];
  for (const i of issues) {
    const keys = i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path, k].join('.')) : [i.path.join('.')];
    for (const key of keys) {
      const msg = i.code === 'unrecognized_keys' ? 'Unknown field' : i.message;
      if (!key) formErrors.push(msg);
      else {
        fieldErrors[key] ??= [];
        fieldErrors[key].push(msg);
      }
    }
  }
  return { fieldErrors, formErrors };
}

/**
 * A domain's router, mounted under `/api` by the assembly. Usually an OpenAPI router (its routes join the document);
 * a plain Hono one is for routes outside it, such as the signed Stripe webhook.
 */
export type AppRouter = Hono<AppEnv>;

/** A Hono sub-app whose validators reject bad input with the platform's 400 error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError('validation_failed', 'The request is invalid', flattenIssues(result.error.issues));
      }
    },
  });
}

/** `createRoute` plus the standard error responses, so every route documents them the same way. */
export function route<R extends RouteConfig>(config: R): R {
  return createRoute({ ...config, responses: { ...errorResponses, ...config.responses } }) as R;
}

/** A JSON request body spec for `route({ request: { body: jsonBody(Schema) } })`. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { 'application/json': { schema } }, required: true } as const;
}

/** A JSON response spec. */
export function jsonResponse<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } } as const;
}

export { z };
