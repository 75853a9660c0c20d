import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { isAppError } from '../../errors.ts';
import type { Deps } from '../../http/context.ts';
import { errorStatus } from '../../http/errors.ts';
import {
  ACP_API_VERSION,
  AcpError,
  acpError,
  acpValidationError,
  type IdempotentResponse,
  parseAcpBody,
  SUPPORTED_VERSIONS,
  withIdempotency,
} from './http.ts';
import type { AgentPlatform } from './platforms.ts';
import {
  type AcpErrorBody,
  CancelSessionRequest,
  CheckoutSessionCompleteRequest,
  CheckoutSessionCreateRequest,
  CheckoutSessionUpdateRequest,
} from './schema.ts';
import {
  acpSessionDeps,
  cancelSession,
  completeSession,
  createSession,
  getSession,
  type SessionDeps,
  updateSession,
} from './sessions.ts';

/*
 * The ACP MCP binding (spec: docs/mcp-binding.md of the ACP repository, release 2026-04-17): the five checkout
 * operations as MCP tools, each called with `{meta, id?, payload?}` where `meta` carries what REST sends as headers
 * (`api_version`, `idempotency_key`, `request_id`, …) and `payload` is exactly the REST request body. The tools run
 * the same session functions, zod request schemas and idempotency storage as the REST routes (routes.ts).
 *
 * Results: a CallToolResult whose `structuredContent` is the CheckoutSession (or CheckoutSessionWithOrder) REST
 * returns; the same fields are also spread at the top of the JSON-RPC `result`, as the binding's examples show
 * (`result.id`, `result.status`), and `content` holds the JSON text for clients that read only text.
 *
 * Errors: as the binding prescribes, a JSON-RPC error with code -32000 and ACP's flat `{type, code, message, param?}`
 * in `error.data` (not an `isError` tool result); `param` of a payload problem is rooted at `$.payload`. A malformed
 * argument envelope (arguments, `meta` or `id` of the wrong shape, an unknown tool) is -32602 Invalid params.
 */

/** What the binding needs from the assembly (the HTTP layer's deps satisfy it). */
export type AcpMcpDeps = Pick<Deps, 'config' | 'db' | 'clock' | 'logger' | 'stripe' | 'commerce' | 'emulatorUrl'>;

/** The JSON-RPC error code of every ACP error (mcp-binding.md, Error Handling). */
export const ACP_MCP_ERROR_CODE = -32000;

/** `meta`: the protocol headers as fields; unknown fields are allowed and ignored. */
export const AcpMcpMeta = z.looseObject({
  api_version: z.string().describe('ACP API version date, e.g. "2026-04-17" (the API-Version header)'),
  idempotency_key: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Retry-safety key (the Idempotency-Key header); recommended for create and complete'),
  request_id: z.string().optional().describe('Correlation id (the Request-Id header)'),
  user_agent: z.string().optional().describe('Agent identification (the User-Agent header)'),
  accept_language: z.string().optional().describe('Locale preference (the Accept-Language header)'),
  signature: z.string().optional().describe('Request signature (the Signature header)'),
  timestamp: z.string().optional().describe('Request signing timestamp, RFC 3339 (the Timestamp header)'),
});
export type AcpMcpMeta = z.infer<typeof AcpMcpMeta>;

const SessionId = z.string().min(1).describe('The checkout session id');

type ToolName =
  | 'create_checkout_session'
  | 'get_checkout_session'
  | 'update_checkout_session'
  | 'complete_checkout_session'
  | 'cancel_checkout_session';

interface ToolDef {
  description: string;
  /** Whether the tool takes `id` (all but create). */
  id: boolean;
  /** The REST request body schema for `payload`; absent for get. */
  payload?: z.ZodType;
  /** `payload` may be omitted (cancel). */
  payloadOptional?: boolean;
  /** Mutating tools honour `meta.idempotency_key` (RFC §6), like REST POSTs. */
  idempotent: boolean;
  run(deps: SessionDeps, platform: AgentPlatform, id: string, payload: unknown): Promise<unknown>;
}

const TOOLS: Record<ToolName, ToolDef> = {
  create_checkout_session: {
    description:
      'Create a checkout session from line items of one kind: `artwork_<id>`, ' +
      '`print_<galleryToken>_<productId>_<photoId>_<valueId>.<valueId>…` (one print each) or ' +
      '`credits_<bundleId>_<organizationId>` (for an organization admin), plus currency and capabilities. ' +
      'Maps to POST /checkout_sessions; returns the CheckoutSession with the authoritative cart.',
    id: false,
    payload: CheckoutSessionCreateRequest,
    idempotent: true,
    run: (deps, platform, _id, payload) =>
      createSession(deps, platform, payload as z.infer<typeof CheckoutSessionCreateRequest>),
  },
  get_checkout_session: {
    description: 'Retrieve the current state of a checkout session. Maps to GET /checkout_sessions/{id}.',
    id: true,
    idempotent: false,
    run: (deps, platform, id) => getSession(deps, platform, id),
  },
  update_checkout_session: {
    description:
      'Update items, buyer, fulfillment details or selected fulfillment options of a checkout session. ' +
      'Maps to POST /checkout_sessions/{id}.',
    id: true,
    payload: CheckoutSessionUpdateRequest,
    idempotent: true,
    run: (deps, platform, id, payload) =>
      updateSession(deps, platform, id, payload as z.infer<typeof CheckoutSessionUpdateRequest>),
  },
  complete_checkout_session: {
    description:
      'Pay with a delegated payment token (Shared Payment Token) and place the order. ' +
      'Maps to POST /checkout_sessions/{id}/complete; returns the CheckoutSession with its order.',
    id: true,
    payload: CheckoutSessionCompleteRequest,
    idempotent: true,
    run: (deps, platform, id, payload) =>
      completeSession(deps, platform, id, payload as z.infer<typeof CheckoutSessionCompleteRequest>),
  },
  cancel_checkout_session: {
    description:
      'Cancel an open checkout session, optionally with an intent trace. Maps to POST /checkout_sessions/{id}/cancel.',
    id: true,
    payload: CancelSessionRequest,
    payloadOptional: true,
    idempotent: true,
    run: (deps, platform, id) => cancelSession(deps, platform, id),
  },
};

/** The tool names of the binding, in the spec's order. */
export const ACP_MCP_TOOLS = Object.keys(TOOLS) as ToolName[];

// ----- errors -------------------------------------------------------------------------------------------------

const invalidParams = (message: string) => new McpError(ErrorCode.InvalidParams, message);

/** The JSON-RPC error for an ACP error: -32000, ACP's message, the flat body as `data`. */
function rpcError(body: AcpErrorBody): McpError {
  return new McpError(ACP_MCP_ERROR_CODE, body.message, body);
}

// `$.payment_data` (the REST body) → `$.payload.payment_data` (the tool arguments).
function underPayload(err: AcpError): AcpError {
  const param = err.body.param;
  if (param === undefined || !param.startsWith('$')) return err;
  return new AcpError(err.status, { ...err.body, param: `$.payload${param.slice(1)}` }, err.headers);
}

/**
 * An error thrown by a session function as the ACP error REST would answer with (as `acpErrorHandler` maps it), or
 * null when it is an internal failure (a 500 `processing_error` for the client, logged).
 */
function asAcpError(err: unknown): AcpError | null {
  if (err instanceof AcpError) return underPayload(err);
  if (err instanceof z.core.$ZodError) return underPayload(acpValidationError(err));
  if (isAppError(err) && errorStatus[err.code] < 500) {
    return acpError('invalid_request', err.code, err.message, undefined, errorStatus[err.code]);
  }
  return null;
}

const internalError = () =>
  acpError('processing_error', 'internal_error', 'Something went wrong on our side; please retry');

// ----- arguments ----------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Call {
  meta: AcpMcpMeta;
  id: string;
  payload: unknown;
}

/** The argument envelope: -32602 when malformed; the API version as REST's `API-Version` check (ACP errors). */
function readArguments(name: ToolName, def: ToolDef, args: unknown): Call {
  if (!isObject(args)) throw invalidParams(`Invalid arguments for tool ${name}: expected an object`);
  const supported_versions = [...SUPPORTED_VERSIONS];
  const rawMeta = args.meta;
  if (rawMeta !== undefined && !isObject(rawMeta)) throw invalidParams('meta must be an object');
  const version = rawMeta?.api_version;
  if (version === undefined) {
    throw rpcError(
      acpError('invalid_request', 'missing_api_version', 'meta.api_version is required', '$.meta.api_version', 400, {
        supported_versions,
      }).body,
    );
  }
  if (typeof version !== 'string' || !SUPPORTED_VERSIONS.includes(version.trim())) {
    const message = `API version ${String(version)} is not supported; use one of ${supported_versions.join(', ')}`;
    throw rpcError(
      acpError('invalid_request', 'unsupported_api_version', message, '$.meta.api_version', 400, {
        supported_versions,
      }).body,
    );
  }
  const meta = AcpMcpMeta.safeParse(rawMeta);
  if (!meta.success) {
    const issue = meta.error.issues[0];
    throw invalidParams(`meta.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  let id = '';
  if (def.id) {
    const parsed = SessionId.safeParse(args.id);
    if (!parsed.success) throw invalidParams(`id is required: the checkout session id (a string)`);
    id = parsed.data;
  }
  const payload = args.payload === undefined && def.payloadOptional ? {} : args.payload;
  return { meta: meta.data, id, payload };
}

// ----- the server ---------------------------------------------------------------------------------------------

/** The idempotency scope of the binding: REST uses `(platform id, request path)`, MCP `(platform id, mcp/<tool>)`. */
export const acpMcpIdempotencyPath = (tool: string) => `mcp/${tool}`;

/**
 * An MCP server with the five ACP checkout tools, acting as one authenticated agent platform. Stateless: build one
 * per request (see mcp-routes.ts).
 */
export function createAcpMcpServer(deps: AcpMcpDeps, platform: AgentPlatform): McpServer {
  const server = new McpServer({ name: 'gallerist-acp', version: ACP_API_VERSION });
  const sessionDeps = acpSessionDeps(deps);
  const log = deps.logger.child({ acp: 'mcp', platformId: platform.id });

  /** Runs one tool call: the session itself, or an ACP error thrown as the JSON-RPC error. */
  async function call(name: ToolName, args: unknown): Promise<CallToolResult> {
    const def = TOOLS[name];
    const { meta, id, payload } = readArguments(name, def, args);

    // The outcome as REST would send it (status + JSON body), so a replay is byte-for-byte the first answer.
    const run = async (): Promise<IdempotentResponse> => {
      try {
        const body = def.payload ? parseAcpBody(def.payload, payload) : undefined;
        const session = await def.run(sessionDeps, platform, id, body);
        return { status: 200, headers: {}, body: JSON.stringify(session) };
      } catch (err) {
        const acp = asAcpError(err);
        if (!acp) {
          log.error({ err, tool: name, requestId: meta.request_id }, 'acp mcp: unhandled error');
          const e = internalError();
          return { status: e.status, headers: {}, body: JSON.stringify(e.body) };
        }
        return { status: acp.status, headers: acp.headers, body: JSON.stringify(acp.body) };
      }
    };

    let outcome: IdempotentResponse;
    if (def.idempotent && meta.idempotency_key !== undefined) {
      try {
        outcome = await withIdempotency(
          deps.db,
          deps.clock,
          {
            scope: platform.id,
            path: acpMcpIdempotencyPath(name),
            key: meta.idempotency_key,
            // The session id is part of the request: the same key for another session is a different request.
            body: { id: def.id ? id : null, payload: payload ?? null },
          },
          run,
          log,
        );
      } catch (err) {
        if (err instanceof AcpError) throw rpcError(err.body);
        throw err;
      }
    } else {
      outcome = await run();
    }

    const value = JSON.parse(outcome.body) as Record<string, unknown>;
    if (outcome.status >= 400) throw rpcError(value as AcpErrorBody);
    return { ...value, content: [{ type: 'text', text: outcome.body }], structuredContent: value };
  }

  // Registered through the SDK so tools/list serves names, descriptions and input schemas (zod → JSON Schema, refs
  // inlined). The callbacks are the fallback path only: tools/call is answered by the handler installed below.
  for (const name of ACP_MCP_TOOLS) {
    const def = TOOLS[name];
    const inputSchema: Record<string, z.ZodType> = { meta: AcpMcpMeta };
    if (def.id) inputSchema.id = SessionId;
    if (def.payload) inputSchema.payload = def.payloadOptional ? def.payload.optional() : def.payload;
    server.registerTool(
      name,
      {
        description: def.description,
        inputSchema,
        annotations: {
          readOnlyHint: name === 'get_checkout_session',
          destructiveHint: name === 'cancel_checkout_session',
          idempotentHint: name === 'get_checkout_session',
          openWorldHint: false,
        },
      },
      (async (args: unknown) => call(name, args)) as never,
    );
  }

  // McpServer turns every error thrown by a tool into an `isError` result; the binding wants ACP errors as JSON-RPC
  // errors (-32000, ACP error in `data`), so tools/call is ours. (Registered after the tools: it replaces the SDK's.)
  server.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const name = request.params.name;
    if (!Object.hasOwn(TOOLS, name)) throw invalidParams(`Tool ${name} not found`);
    return call(name as ToolName, request.params.arguments);
  });

  return server;
}
