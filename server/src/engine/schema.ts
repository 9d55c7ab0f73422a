// The JSON schemas (schemas/*.json, generated from the real CRDs by scripts/gen-schemas.mjs) and what the engine does
// with them: look-ups for hover and completion (schemaFor, schemaAt), and validation with the code ajv generated from
// them at build time (generated/schema-validators.ts, written by scripts/gen-validators.mjs), mapped to plain issues
// with a path into the object.
//
// Validation mirrors the API server's order: explicit nulls in fields that are not nullable are pruned first (so
// `tls:` with no value means "no TLS", and a pruned required field is "missing"), then the object is checked.
// Pure: the schemas are imported as JSON (esbuild inlines them into bundles; out/ has a copy of schemas/).
import type { ErrorObject, ValidateFunction } from 'ajv';
import brokerListener from '../../../schemas/brokerlistener.json';
import brokerAuthentication from '../../../schemas/brokerauthentication.json';
import brokerAuthorization from '../../../schemas/brokerauthorization.json';
import broker from '../../../schemas/broker.json';
import certificate from '../../../schemas/certificate.json';
import issuer from '../../../schemas/issuer.json';
import clusterIssuer from '../../../schemas/clusterissuer.json';
import secret from '../../../schemas/secret.json';
import { AIO_GROUP, CERT_MANAGER_GROUP, splitApiVersion } from './resources';

/** A schema node as hover and completion see it. Objects returned by this module are shared: do not mutate them. */
export interface SchemaInfo {
  description?: string;
  type?: string | string[];
  enum?: string[];
  default?: unknown;
  properties?: Record<string, SchemaInfo>;
  items?: SchemaInfo;
  required?: string[];
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  oneOf?: SchemaInfo[];
}

/** The full node shape inside our generated schemas (SchemaInfo plus what validation needs). */
interface SchemaNode extends SchemaInfo {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
  additionalProperties?: boolean | SchemaNode;
  title?: string;
  'x-brokerkit'?: { group: string; version: string; kind: string };
}

/** The schema keys: one per kind we know. */
export type SchemaKey =
  | 'BrokerListener'
  | 'BrokerAuthentication'
  | 'BrokerAuthorization'
  | 'Broker'
  | 'Certificate'
  | 'Issuer'
  | 'ClusterIssuer'
  | 'Secret';

const SCHEMAS: Record<SchemaKey, SchemaNode> = {
  BrokerListener: brokerListener as SchemaNode,
  BrokerAuthentication: brokerAuthentication as SchemaNode,
  BrokerAuthorization: brokerAuthorization as SchemaNode,
  Broker: broker as SchemaNode,
  Certificate: certificate as SchemaNode,
  Issuer: issuer as SchemaNode,
  ClusterIssuer: clusterIssuer as SchemaNode,
  Secret: secret as SchemaNode,
};

const AIO_SCHEMA_KINDS = new Set<string>(['BrokerListener', 'BrokerAuthentication', 'BrokerAuthorization', 'Broker']);
const CERT_MANAGER_KINDS = new Set<string>(['Certificate', 'Issuer', 'ClusterIssuer']);
/** AIO versions our (v1) schemas describe. v1beta1 is the preview version with the same shape. */
export const AIO_SCHEMA_VERSIONS = new Set(['v1', 'v1beta1']);
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';

function keyFor(apiVersion: string, kind: string): SchemaKey | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const { group, version } = splitApiVersion(apiVersion.trim());
  if (group === AIO_GROUP && AIO_SCHEMA_VERSIONS.has(version) && AIO_SCHEMA_KINDS.has(kind)) return kind as SchemaKey;
  if (group === CERT_MANAGER_GROUP && version === 'v1' && CERT_MANAGER_KINDS.has(kind)) return kind as SchemaKey;
  if (group === '' && version === 'v1' && kind === 'Secret') return 'Secret';
  return undefined;
}

/**
 * The schema of a kind (AIO v1/v1beta1, cert-manager v1, core v1 Secret), or undefined for kinds we do not describe
 * (legacy `mq.iotoperations.azure.com`, unknown versions, Deployments, ...).
 */
export function schemaFor(apiVersion: string, kind: string): SchemaInfo | undefined {
  const key = keyFor(apiVersion, kind);
  return key ? SCHEMAS[key] : undefined;
}

const merged = new WeakMap<SchemaNode, SchemaNode>();

/** The node with the properties of its oneOf/anyOf/allOf alternatives merged in (cached; the input is not changed). */
function withAlternatives(node: SchemaNode): SchemaNode {
  if (!node.oneOf && !node.anyOf && !node.allOf) return node;
  const alts = [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])];
  if (!alts.some((a) => a.properties)) return node;
  let m = merged.get(node);
  if (!m) {
    const properties: Record<string, SchemaNode> = { ...(node.properties ?? {}) };
    for (const a of alts)
      for (const [k, v] of Object.entries(a.properties ?? {})) if (!(k in properties)) properties[k] = v;
    m = { ...node, properties };
    merged.set(node, m);
  }
  return m;
}

function child(node: SchemaNode, seg: string | number): SchemaNode | undefined {
  const n = withAlternatives(node);
  if (typeof seg === 'number') return n.items;
  const p = n.properties && Object.prototype.hasOwnProperty.call(n.properties, seg) ? n.properties[seg] : undefined;
  if (p) return p;
  return typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
}

/** The schema at a path inside the object (numbers index arrays); merges oneOf alternatives' properties. */
export function schemaAt(apiVersion: string, kind: string, path: readonly (string | number)[]): SchemaInfo | undefined {
  const key = keyFor(apiVersion, kind);
  if (!key) return undefined;
  let node: SchemaNode | undefined = SCHEMAS[key];
  for (const seg of path) {
    node = child(node, seg);
    if (!node) return undefined;
  }
  return withAlternatives(node);
}

// ---------------------------------------------------------------------------------------------------------------
// Validation

export type IssuePath = (string | number)[];

export type SchemaIssue =
  /** Wrong JSON type (e.g. `port: "1883"`). */
  | { kind: 'type'; path: IssuePath; expected: string[]; value: unknown }
  /** Not one of the enum values (case-sensitive). */
  | { kind: 'enum'; path: IssuePath; allowed: unknown[]; value: unknown }
  /** Below `minimum` / above `maximum` (or a length/item-count limit). */
  | { kind: 'range'; path: IssuePath; bound: string; limit: number; value: unknown }
  /** Required properties missing in the object at `path`; `wereNull` lists those written as null (pruned). */
  | { kind: 'required'; path: IssuePath; missing: string[]; wereNull: string[] }
  /** A oneOf at `path`: `options` are the alternatives' required keys; `passing` null = none valid, else the indexes. */
  | { kind: 'oneOf'; path: IssuePath; options: string[][]; passing: number[] | null }
  /** A key the schema does not have (strict field validation rejects it); `path` ends with the key. */
  | { kind: 'unknown'; path: IssuePath; known: string[] }
  /** Anything else ajv reports (pattern, format, ...). */
  | { kind: 'other'; path: IssuePath; message: string };

let validators: Record<SchemaKey, ValidateFunction> | undefined;

/**
 * The schema's validation function: ajv's code, generated at build time (nothing is compiled at run time), loaded on
 * the first validation so that a process that validates nothing (or not yet: the language server answering
 * initialize) does not evaluate it.
 */
function compiled(key: SchemaKey): ValidateFunction {
  validators ??= require('./generated/schema-validators') as Record<SchemaKey, ValidateFunction>;
  return validators[key];
}

/**
 * The schema that judges this object, or undefined when we do not judge it: AIO v1/v1beta1 objects, cert-manager v1
 * Issuer/ClusterIssuer/Certificate (with cert-manager's own spellings) and Secrets of type kubernetes.io/tls.
 */
export function judgingSchema(apiVersion: unknown, kind: unknown, value: unknown): SchemaKey | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const key = keyFor(apiVersion, kind);
  if (key === 'Secret' && (value as Record<string, unknown> | undefined)?.type !== TLS_SECRET_TYPE) return undefined;
  return key;
}

/** The raw schema of a key (for rules that walk it alongside a value). */
export function schemaNode(key: SchemaKey): SchemaInfo {
  return SCHEMAS[key];
}

/**
 * A copy of `value` with the nulls the API server prunes removed: a null in a field that is neither nullable nor
 * defaulted is dropped, and a null in a defaulted field becomes its (always valid) default, which for validation is
 * the same as leaving it out. Nulls in nullable fields, in array items and in unknown fields stay.
 */
export function pruneNulls(value: unknown, node: SchemaNode | undefined): unknown {
  if (!node || value === null || typeof value !== 'object') return value;
  // Copy on write: the input is shared (the parsed document), and most documents have nothing to prune.
  if (Array.isArray(value)) {
    const items = node.items;
    if (!items) return value;
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = pruneNulls(value[i], items);
      if (v !== value[i] && !out) out = value.slice(0, i);
      if (out) out.push(v);
    }
    return out ?? value;
  }
  const n = withAlternatives(node);
  const props = n.properties;
  const extra = typeof n.additionalProperties === 'object' ? n.additionalProperties : undefined;
  if (!props && !extra) return value;
  const src = value as Record<string, unknown>;
  const keys = Object.keys(src);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = src[k];
    const s = (props && Object.prototype.hasOwnProperty.call(props, k) ? props[k] : undefined) ?? extra;
    const dropped = v === null && !!s && !s.nullable;
    const nv = dropped || !s ? v : pruneNulls(v, s);
    if (!out && (dropped || nv !== v)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = src[keys[j]];
    }
    if (out && !dropped) out[k] = nv;
  }
  return out ?? value;
}

/** Validates one object against a schema; the issues' paths index the original value (arrays by number). */
export function validateAgainst(key: SchemaKey, value: unknown): SchemaIssue[] {
  const pruned = pruneNulls(value, SCHEMAS[key]);
  const validate = compiled(key);
  if (validate(pruned)) return [];
  return toIssues(validate.errors ?? [], pruned, value, SCHEMAS[key]);
}

/** What a JSON pointer (`/a/0/b`, or `#/a/...` for a schema path) points at inside `root`. */
function pointed(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.replace(/^#/, '').split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** The schema object holding an error's keyword (its schema path without the keyword). */
function parentSchemaOf(e: ErrorObject, root: SchemaNode): SchemaNode | undefined {
  return pointed(root, e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'))) as SchemaNode | undefined;
}

function toIssues(errors: ErrorObject[], data: unknown, original: unknown, schema: SchemaNode): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  const typed = new Set<string>();
  const required = new Map<string, Extract<SchemaIssue, { kind: 'required' }>>();
  // Type errors first: a value of the wrong type gets no further (enum, range) complaints at the same place.
  for (const e of errors) if (e.keyword === 'type' && !inAlternative(e)) typed.add(e.instancePath);
  for (const e of errors) {
    if (inAlternative(e)) continue; // a oneOf branch's own errors: summarised by the oneOf error itself
    const at = e.instancePath;
    if (e.keyword !== 'type' && typed.has(at)) continue;
    const path = toPath(at, data);
    switch (e.keyword) {
      case 'type': {
        const t = e.params.type as string | string[];
        out.push({
          kind: 'type',
          path,
          expected: Array.isArray(t) ? t : String(t).split(','),
          value: pointed(data, at),
        });
        break;
      }
      case 'enum':
        out.push({
          kind: 'enum',
          path,
          allowed: (e.params.allowedValues as unknown[]) ?? (pointed(schema, e.schemaPath) as unknown[]),
          value: pointed(data, at),
        });
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'minProperties':
      case 'maxProperties':
        out.push({ kind: 'range', path, bound: e.keyword, limit: Number(e.params.limit), value: pointed(data, at) });
        break;
      case 'required': {
        const missing = String(e.params.missingProperty);
        let r = required.get(at);
        if (!r) {
          r = { kind: 'required', path, missing: [], wereNull: [] };
          required.set(at, r);
          out.push(r);
        }
        r.missing.push(missing);
        if (wasNull(original, path, missing)) r.wereNull.push(missing);
        break;
      }
      case 'oneOf': {
        const alts = (parentSchemaOf(e, schema)?.oneOf ?? []).map((a) => a.required ?? []);
        const passing = (e.params.passingSchemas as number[] | null | undefined) ?? null;
        out.push({ kind: 'oneOf', path, options: alts, passing });
        break;
      }
      case 'additionalProperties': {
        const name = String(e.params.additionalProperty);
        const known = Object.keys(parentSchemaOf(e, schema)?.properties ?? {});
        out.push({ kind: 'unknown', path: [...path, name], known });
        break;
      }
      default:
        out.push({ kind: 'other', path, message: e.message ?? e.keyword });
    }
  }
  return out;
}

/** True for errors raised inside a oneOf/anyOf alternative (the alternative's own `required`, not the object's). */
function inAlternative(e: ErrorObject): boolean {
  return e.schemaPath.includes('/oneOf/') || e.schemaPath.includes('/anyOf/');
}

/** JSON pointer → path, with array indexes as numbers (decided by the data, so a map key "0" stays a string). */
function toPath(pointer: string, data: unknown): IssuePath {
  if (!pointer) return [];
  const out: IssuePath = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
    } else {
      out.push(seg);
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function wasNull(original: unknown, path: IssuePath, key: string): boolean {
  let cur: unknown = original;
  for (const seg of path) {
    if (!cur || typeof cur !== 'object') return false;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return (
    !!cur &&
    typeof cur === 'object' &&
    !Array.isArray(cur) &&
    Object.prototype.hasOwnProperty.call(cur, key) &&
    (cur as Record<string, unknown>)[key] === null
  );
}

/** `spec.ports[0].tls` — a path written the way the API server prints field paths. */
export function fieldPath(path: readonly (string | number)[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

/**
 * Calls `visit` for every value in `value` that the schema describes, with its path and schema node (properties,
 * array items and open-map values; oneOf alternatives merged). Values under unknown keys are not visited.
 */
export function walkWithSchema(
  key: SchemaKey,
  value: unknown,
  visit: (path: readonly (string | number)[], value: unknown, node: SchemaInfo) => void,
  only?: (node: SchemaInfo) => boolean,
): void {
  const path: (string | number)[] = [];
  const walk = (v: unknown, node: SchemaNode): void => {
    if (only && !only(node)) return;
    visit(path, v, node);
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      if (!node.items) return;
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i], node.items);
        path.pop();
      }
      return;
    }
    const n = withAlternatives(node);
    for (const k of Object.keys(v)) {
      const s = child(n, k);
      if (!s) continue;
      path.push(k);
      walk((v as Record<string, unknown>)[k], s);
      path.pop();
    }
  };
  walk(value, SCHEMAS[key]);
}

const enumBelow = new WeakMap<SchemaNode, boolean>();

/** True when the node or anything below it has an `enum` (memoised): lets a walk skip subtrees without one. */
export function hasEnumBelow(node: SchemaInfo): boolean {
  const n = node as SchemaNode;
  let r = enumBelow.get(n);
  if (r === undefined) {
    enumBelow.set(n, false); // cycle guard (our schemas have none)
    const kids = [
      ...Object.values(n.properties ?? {}),
      ...(n.items ? [n.items] : []),
      ...(typeof n.additionalProperties === 'object' ? [n.additionalProperties] : []),
      ...(n.oneOf ?? []),
      ...(n.anyOf ?? []),
      ...(n.allOf ?? []),
    ];
    r = !!n.enum || kids.some(hasEnumBelow);
    enumBelow.set(n, r);
  }
  return r;
}
