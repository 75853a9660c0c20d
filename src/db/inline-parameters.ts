import type { CompiledQuery } from 'kysely';

// Parameters written into a statement's text, so a parameterised statement can travel in a simple-protocol batch
// (one round trip with the role it runs as; decision 040). Each value becomes a dollar-quoted literal of unknown
// type, which Postgres types from its context exactly as it types a parameter the pg driver sends (also untyped,
// as text): the statement means the same, and no value can end its quote because its tag is checked absent.

/** A value as the text the pg driver would send for it (its prepareValue), or null for SQL NULL. */
export function parameterText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

// Postgres's array input syntax: every element quoted, NULL bare, nested arrays as nested braces.
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = parameterText(v);
    return text === null ? 'NULL' : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  });
  return `{${items.join(',')}}`;
}

/** A value as an SQL literal of unknown type (dollar-quoted), or NULL. */
export function parameterLiteral(value: unknown): string {
  const text = parameterText(value);
  return text === null ? 'NULL' : quoted(text);
}

function quoted(text: string): string {
  let tag = '$p$';
  // The closing tag must be the first place the tag occurs: also not formed by the value's end and the tag.
  for (let i = 0; `${text}${tag}`.indexOf(tag) < text.length; i++) tag = `$p${i}$`;
  return `${tag}${text}${tag}`;
}

/**
 * The compiled statement's SQL with each `$n` placeholder replaced by its value as a literal. Placeholders are
 * found outside string literals, quoted identifiers, dollar quotes and comments only, the places Kysely puts them.
 */
export function inlineParameters(query: Pick<CompiledQuery, 'sql' | 'parameters'>): string {
  const { sql: text, parameters } = query;
  if (parameters.length === 0) return text;
  let out = '';
  let i = 0;
  const copyUntil = (end: number) => {
    out += text.slice(i, end);
    i = end;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // '' and "" inside are escapes; both simply continue the literal.
      let j = i + 1;
      const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/\w/.test(text[i - 2] ?? '');
      while (j < text.length) {
        if (escapes && text[j] === '\\') j += 2;
        else if (text[j] === c) {
          if (text[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      copyUntil(Math.min(j + 1, text.length));
    } else if (c === '-' && text[i + 1] === '-') {
      const end = text.indexOf('\n', i);
      copyUntil(end < 0 ? text.length : end);
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      copyUntil(end < 0 ? text.length : end + 2);
    } else if (c === '$') {
      const placeholder = /^\$(\d+)/.exec(text.slice(i, i + 12));
      const dollarTag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66));
      if (placeholder && !/[\w$]/.test(text[i - 1] ?? '')) {
        const n = Number(placeholder[1]);
        if (n < 1 || n > parameters.length) throw new Error(`statement names parameter $${n} of ${parameters.length}`);
        out += parameterLiteral(parameters[n - 1]);
        i += placeholder[0].length;
      } else if (dollarTag && !/[\w$]/.test(text[i - 1] ?? '')) {
        const end = text.indexOf(dollarTag[0], i + dollarTag[0].length);
        copyUntil(end < 0 ? text.length : end + dollarTag[0].length);
      } else copyUntil(i + 1);
    } else copyUntil(i + 1);
  }
  return out;
}
