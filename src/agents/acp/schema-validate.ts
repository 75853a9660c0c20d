/*
 * Test/dev helper: validates a value against one `$defs` entry of the vendored ACP JSON Schema
 * (`spec/json-schema/schema.agentic_checkout.json`, draft 2020-12) with ajv. ajv is a devDependency, so nothing on a
 * production path may import this file; the tests use it to prove our zod schemas and the responses we build match
 * the official schema. `validateFeed` does the same for the feed schema (`spec/json-schema/schema.feed.json`).
 */
import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const schemaFile = new URL('./spec/json-schema/schema.agentic_checkout.json', import.meta.url);

/** The vendored schema document (parsed once). */
export const acpJsonSchema = JSON.parse(readFileSync(schemaFile, 'utf8')) as {
  $id: string;
  $defs: Record<string, unknown>;
};

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

function validator(defName: string): ValidateFunction {
  if (!Object.hasOwn(acpJsonSchema.$defs, defName)) throw new Error(`No $defs/${defName} in the ACP schema`);
  let fn = compiled.get(defName);
  if (!fn) {
    if (!ajv) {
      // strict: false — the upstream schema uses keywords ajv's strict mode flags (e.g. `required` naming properties
      // declared only in a sibling branch); allErrors so a failing test lists every problem at once.
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(ajv);
      ajv.addSchema(acpJsonSchema);
    }
    fn = ajv.getSchema(`${acpJsonSchema.$id}#/$defs/${defName}`);
    if (!fn) throw new Error(`Could not compile $defs/${defName}`);
    compiled.set(defName, fn);
  }
  return fn;
}

function describe(e: ErrorObject): string {
  const where = e.instancePath || '/';
  const extra =
    e.keyword === 'additionalProperties'
      ? ` (${(e.params as { additionalProperty: string }).additionalProperty})`
      : e.keyword === 'enum'
        ? ` (${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)})`
        : '';
  return `${where} ${e.message ?? e.keyword}${extra}`;
}

/** Validates `value` against `$defs/<defName>`; returns the errors (empty when valid). */
export function validateAcp(defName: string, value: unknown): string[] {
  const fn = validator(defName);
  return fn(value) ? [] : (fn.errors ?? []).map(describe);
}

// ----- the feed schema (`spec/json-schema/schema.feed.json`) ------------------------------------------------------

const feedSchemaFile = new URL('./spec/json-schema/schema.feed.json', import.meta.url);

/** The vendored ACP feed schema document (parsed once). */
export const acpFeedJsonSchema = JSON.parse(readFileSync(feedSchemaFile, 'utf8')) as {
  $id: string;
  $defs: Record<string, unknown>;
};

let feedAjv: Ajv2020 | undefined;
const feedCompiled = new Map<string, ValidateFunction>();

function feedValidator(defName: string): ValidateFunction {
  if (!Object.hasOwn(acpFeedJsonSchema.$defs, defName)) throw new Error(`No $defs/${defName} in the ACP feed schema`);
  let fn = feedCompiled.get(defName);
  if (!fn) {
    if (!feedAjv) {
      feedAjv = new Ajv2020({ strict: false, allErrors: true });
      addFormats(feedAjv);
      feedAjv.addSchema(acpFeedJsonSchema);
    }
    fn = feedAjv.getSchema(`${acpFeedJsonSchema.$id}#/$defs/${defName}`);
    if (!fn) throw new Error(`Could not compile feed $defs/${defName}`);
    feedCompiled.set(defName, fn);
  }
  return fn;
}

/** Validates `value` against `$defs/<defName>` of the feed schema; returns the errors (empty when valid). */
export function validateFeed(defName: string, value: unknown): string[] {
  const fn = feedValidator(defName);
  return fn(value) ? [] : (fn.errors ?? []).map(describe);
}
