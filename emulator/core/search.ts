import type { Hono } from 'hono';
import { api } from './context.ts';
import { invalid } from './errors.ts';
import { int, req, str, validate } from './params.ts';
import type { Obj, Rec } from './state.ts';
import { all } from './state.ts';

/** `string`: case-insensitive, allows `~`; `token`: exact; `numeric`: allows ranges; `boolean`: "true"/"false". */
export type FieldType = 'string' | 'token' | 'numeric' | 'boolean';

export type SearchFields = Record<string, FieldType>;

type Op = ':' | '~' | '=' | '>' | '<' | '>=' | '<=';

/** One `[-]field<op>value` clause; `key` is set for `metadata["key"]`, `value` is null for the `null` literal. */
export interface SearchClause {
  field: string;
  key: string | null;
  op: Op;
  value: string | null;
  quoted: boolean;
  negated: boolean;
}

export interface SearchQuery {
  join: 'and' | 'or';
  clauses: SearchClause[];
}

const MAX_CLAUSES = 10;

function syntaxError(message: string, pos: number): Error {
  return invalid(`Invalid search query: ${message} at character ${pos + 1}.`, 'query');
}

/** Parses Stripe's Search Query Language into clauses joined by one connective (AND and OR can't mix). */
export function parseSearchQuery(query: string): SearchQuery {
  let i = 0;
  const skipSpace = (): void => {
    while (i < query.length && /\s/.test(query[i])) i++;
  };
  const quotedString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    while (i < query.length && query[i] !== '"') {
      if (query[i] === '\\' && i + 1 < query.length) i++;
      out += query[i++];
    }
    if (i >= query.length) throw syntaxError('unterminated quoted string', start);
    i++;
    return out;
  };
  const clause = (): SearchClause => {
    const negated = query[i] === '-';
    if (negated) i++;
    const start = i;
    const m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(query.slice(i));
    if (!m) throw syntaxError('expected a field name', i);
    const field = m[0];
    i += field.length;
    let key: string | null = null;
    if (query[i] === '[') {
      if (field !== 'metadata') throw syntaxError(`only metadata takes a ["key"] suffix, not \`${field}\``, i);
      i++;
      if (query[i] !== '"') throw syntaxError('expected a quoted metadata key', i);
      key = quotedString();
      if (query[i] !== ']') throw syntaxError('expected `]` after the metadata key', i);
      i++;
    } else if (field === 'metadata') {
      throw syntaxError('metadata must be followed by ["key"]', start);
    }
    const op = /^(>=|<=|:|~|=|>|<)/.exec(query.slice(i))?.[0] as Op | undefined;
    if (!op) throw syntaxError(`expected an operator (:, ~, =, >, <, >=, <=) after \`${query.slice(start, i)}\``, i);
    i += op.length;
    if (query[i] === '"') return { field, key, op, value: quotedString(), quoted: true, negated };
    const bare = /^[^\s"()]+/.exec(query.slice(i))?.[0];
    if (!bare) throw syntaxError(`expected a value after \`${query.slice(start, i)}\``, i);
    const valueAt = i;
    i += bare.length;
    if (bare.toLowerCase() === 'null') return { field, key, op, value: null, quoted: false, negated };
    // Only numbers and booleans may go unquoted, as on Stripe.
    if (!/^-?\d+(\.\d+)?$/.test(bare) && bare !== 'true' && bare !== 'false') {
      throw syntaxError(`string values must be in double quotes ("${bare}")`, valueAt);
    }
    return { field, key, op, value: bare, quoted: false, negated };
  };

  const clauses: SearchClause[] = [];
  let join: 'and' | 'or' | null = null;
  skipSpace();
  if (i >= query.length) throw invalid('Invalid search query: the query is empty.', 'query');
  clauses.push(clause());
  for (;;) {
    const before = i;
    skipSpace();
    if (i >= query.length) break;
    if (i === before) throw syntaxError('expected a space, AND or OR between clauses', i);
    const word = /^(and|or)(?=\s|$)/i.exec(query.slice(i))?.[0].toLowerCase() as 'and' | 'or' | undefined;
    const connective = word ?? 'and'; // clauses separated only by spaces are ANDed
    if (join && join !== connective) throw syntaxError('AND and OR cannot be combined in one query', i);
    join = connective;
    if (word) {
      i += word.length;
      skipSpace();
      if (i >= query.length) throw syntaxError(`expected a clause after ${word.toUpperCase()}`, i);
    }
    clauses.push(clause());
    if (clauses.length > MAX_CLAUSES) {
      throw invalid(`Invalid search query: at most ${MAX_CLAUSES} clauses are allowed.`, 'query');
    }
  }
  return { join: join ?? 'and', clauses };
}

function fieldValue(o: Obj, path: string): unknown {
  let v: unknown = o;
  for (const seg of path.split('.')) v = v && typeof v === 'object' ? (v as Obj)[seg] : undefined;
  return v;
}

function docsUrl(resource: string): string {
  return `https://docs.stripe.com/search#query-fields-for-${resource.replace(/_/g, '-')}`;
}

/** Checks clauses against a resource's fields and returns a predicate over its objects. */
export function compileSearch(q: SearchQuery, fields: SearchFields, resource: string): (o: Obj) => boolean {
  const tests = q.clauses.map((c) => {
    const label = c.key === null ? c.field : `metadata["${c.key}"]`;
    const type: FieldType | undefined = c.key === null ? fields[c.field] : 'token';
    if (!type) {
      throw invalid(
        `Field \`${c.field}\` is an unsupported search field for resource \`${resource}\`. See ${docsUrl(resource)} for a list of supported fields.`,
        'query',
      );
    }
    const allowed: Op[] =
      type === 'numeric' ? [':', '=', '>', '<', '>=', '<='] : type === 'string' ? [':', '~'] : [':'];
    if (!allowed.includes(c.op)) {
      throw invalid(`Invalid search query: the \`${c.op}\` operator is not supported on \`${label}\`.`, 'query');
    }
    const get = (o: Obj): unknown => (c.key === null ? fieldValue(o, c.field) : o.metadata?.[c.key as string]);
    let test: (o: Obj) => boolean;
    if (c.value === null) {
      if (c.op !== ':')
        throw invalid(`Invalid search query: \`null\` needs the \`:\` operator on \`${label}\`.`, 'query');
      test = (o) => get(o) == null;
    } else if (type === 'numeric') {
      if (!/^-?\d+$/.test(c.value)) {
        throw invalid(`Invalid search query: \`${label}\` needs an integer value, not "${c.value}".`, 'query');
      }
      const n = Number(c.value);
      const cmp: Record<Op, (v: number) => boolean> = {
        ':': (v) => v === n,
        '=': (v) => v === n,
        '~': () => false,
        '>': (v) => v > n,
        '<': (v) => v < n,
        '>=': (v) => v >= n,
        '<=': (v) => v <= n,
      };
      test = (o) => {
        const v = get(o);
        return typeof v === 'number' && cmp[c.op](v);
      };
    } else if (type === 'boolean') {
      if (c.value !== 'true' && c.value !== 'false') {
        throw invalid(`Invalid search query: \`${label}\` needs "true" or "false", not "${c.value}".`, 'query');
      }
      const want = c.value === 'true';
      test = (o) => get(o) === want;
    } else if (!c.quoted) {
      throw invalid(`Invalid search query: string values must be in double quotes (${label}).`, 'query');
    } else if (c.op === '~') {
      if (c.value.length < 3) {
        throw invalid(`Invalid search query: a \`~\` substring on \`${label}\` needs at least 3 characters.`, 'query');
      }
      const needle = c.value.toLowerCase();
      test = (o) => {
        const v = get(o);
        return typeof v === 'string' && v.toLowerCase().includes(needle);
      };
    } else if (type === 'string') {
      const want = c.value.toLowerCase();
      test = (o) => {
        const v = get(o);
        return typeof v === 'string' && v.toLowerCase() === want;
      };
    } else {
      const want = c.value;
      test = (o) => {
        const v = get(o);
        return v != null && String(v) === want;
      };
    }
    return c.negated ? (o: Obj) => !test(o) : test;
  });
  return q.join === 'or' ? (o) => tests.some((t) => t(o)) : (o) => tests.every((t) => t(o));
}

/** Opaque `next_page` token: the insertion sequence of the last object returned. */
function pageToken(seq: number): string {
  return `page_${Buffer.from(`seq:${seq}`).toString('base64url')}`;
}

function pageSeq(token: string): number {
  const m = /^page_([A-Za-z0-9_-]+)$/.exec(token);
  const seq = m ? /^seq:(\d+)$/.exec(Buffer.from(m[1], 'base64url').toString())?.[1] : undefined;
  if (seq === undefined) throw invalid(`Invalid page: ${token}`, 'page');
  return Number(seq);
}

/** Registers `GET /v1/{resource}/search` (call before the `/:id` routes so it isn't taken for an id). */
export function searchRoute(app: Hono, resource: string, type: string, fields: SearchFields): void {
  const url = `/v1/${resource}/search`;
  api(app, 'get', url, (ctx) => {
    const p = validate(ctx.params, { query: req(str), limit: int(1, 100), page: str });
    const matches = compileSearch(parseSearchQuery(p.query), fields, resource);
    const after = p.page ? pageSeq(p.page) : Number.POSITIVE_INFINITY;
    const hits: Rec[] = all(ctx.state, type, ctx.account).filter((r) => matches(r.obj));
    const rest = hits.filter((r) => r.seq < after);
    const limit: number = p.limit ?? 10;
    const page = rest.slice(0, limit);
    const hasMore = rest.length > limit;
    const out: Obj = {
      object: 'search_result',
      data: page.map((r) => r.obj),
      has_more: hasMore,
      next_page: hasMore ? pageToken(page[page.length - 1].seq) : null,
      url,
    };
    // total_count is returned only when expanded; it is not an object, so the generic expander must skip it.
    if (p.expand?.includes('total_count')) {
      out.total_count = hits.length;
      ctx.params.expand = p.expand.filter((e: string) => e !== 'total_count');
    }
    return out;
  });
}
