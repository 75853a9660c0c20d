import { describe, expect, it } from 'vitest';
import { platformOpenApiDocument } from './openapi-document.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

function document() {
  return platformOpenApiDocument() as unknown as {
    paths: Record<
      string,
      Record<string, { responses?: Record<string, { content?: Record<string, { schema: Schema }> }> }>
    >;
    components?: { schemas?: Record<string, Schema> };
  };
}

describe('the OpenAPI document', () => {
  it('describes the fields of every JSON response: no open objects without properties', () => {
    const doc = document();
    const named = doc.components?.schemas ?? {};
    const vague: string[] = [];
    // An object must list its fields (a declared map, `z.record`, has additionalProperties); a loose object that lists a
    // few and lets anything else through (`additionalProperties: {}`) hides the rest of the shape.
    const seen = new Set<Schema>();
    const check = (s: Schema | undefined, at: string): void => {
      if (!s || seen.has(s)) return;
      seen.add(s);
      if (s.$ref) {
        check(named[s.$ref.split('/').pop() ?? ''], at);
        return;
      }
      for (const k of ['anyOf', 'oneOf', 'allOf'] as const) for (const x of s[k] ?? []) check(x, at);
      if (s.type === 'array') {
        check(s.items, `${at}[]`);
        return;
      }
      if (s.type !== 'object') return;
      const open = typeof s.additionalProperties === 'object' && !Object.keys(s.additionalProperties ?? {}).length;
      if (!s.properties && s.additionalProperties === undefined) vague.push(`${at}: object without properties`);
      if (s.properties && open) vague.push(`${at}: loose object`);
      for (const [k, v] of Object.entries(s.properties ?? {})) check(v, `${at}.${k}`);
    };
    let responses = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, r] of Object.entries(op.responses ?? {})) {
          const schema = r.content?.['application/json']?.schema;
          if (!schema || !status.startsWith('2')) continue;
          responses++;
          check(schema, `${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(responses).toBeGreaterThan(100);
    expect(vague).toEqual([]);
  });

  it('names the commerce shapes, so generated clients get real types', () => {
    const names = Object.keys(document().components?.schemas ?? {});
    for (const n of ['Order', 'OrderDetail', 'OrderItem', 'Invoice', 'AuditEvent', 'CheckoutOrderSummary']) {
      expect(names).toContain(n);
    }
  });
});
