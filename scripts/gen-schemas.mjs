#!/usr/bin/env node
// Generates schemas/*.json from the real CRDs of an AIO 1.0 cluster, vendored in schemas/crds (where they come from
// and their licences: schemas/crds/SOURCES.md).
//
//   node scripts/gen-schemas.mjs [--crds <dir>] [--check]      (npm run schemas)
//
// The CRD folder defaults to schemas/crds; BROKERKIT_CRDS or --crds point it elsewhere (e.g. at the CRDs of a newer
// AIO release, read with `kubectl get crd <name> -o yaml`).
// --check regenerates in memory and fails when the committed schemas differ (stale or hand-edited).
//
// What the transformation keeps and changes (so the schemas mean what the API server does):
// - Structure is copied from the CRD's served version: type, required, enum, minimum/maximum, default, nullable,
//   oneOf/anyOf/allOf, items, open maps (additionalProperties: <schema>), pattern/length/item limits if present.
// - Descriptions are NOT copied: ours come from scripts/schema-descriptions.mjs (hover and completion text).
// - Every object that lists its properties gets `additionalProperties: false`: with kubectl's default strict field
//   validation an unknown field is rejected. Objects marked x-kubernetes-preserve-unknown-fields
//   stay open.
// - Integer `format`s (uint16, int64, ...) are dropped: the API server strips formats it does not support and these
//   are not enforced; only minimum/maximum enforce ranges.
// - Subtrees that BrokerKit does not judge are "opened" (kept as a typed node without children): every `status`
//   (ignored on create/update because the CRDs have a status subresource) and the inner settings of cert-manager's
//   acme/vault/venafi issuers.
// - apiVersion, kind and metadata are added to the root when the CRD leaves them implicit.
// - The core v1 Secret is not a CRD: its schema is written here by hand (the parts a kubernetes.io/tls Secret uses).
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import overlay from './schema-descriptions.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const argValue = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const CRDS = resolve(argValue('--crds') ?? process.env.BROKERKIT_CRDS ?? join(ROOT, 'schemas', 'crds'));
const OUT = join(ROOT, 'schemas');
const CHECK = args.includes('--check');

/** Which schema files come from which CRD, and which subtrees are opened (`x.*` opens every child of x). */
const KINDS = [
  {
    file: 'brokerlistener.json',
    crd: 'brokerlisteners.mqttbroker.iotoperations.azure.com.yaml',
    kind: 'BrokerListener',
    open: ['status'],
  },
  {
    file: 'brokerauthentication.json',
    crd: 'brokerauthentications.mqttbroker.iotoperations.azure.com.yaml',
    kind: 'BrokerAuthentication',
    open: ['status'],
  },
  {
    file: 'brokerauthorization.json',
    crd: 'brokerauthorizations.mqttbroker.iotoperations.azure.com.yaml',
    kind: 'BrokerAuthorization',
    open: ['status'],
  },
  { file: 'broker.json', crd: 'brokers.mqttbroker.iotoperations.azure.com.yaml', kind: 'Broker', open: ['status'] },
  { file: 'certificate.json', crd: 'certificates.cert-manager.io.yaml', kind: 'Certificate', open: ['status'] },
  {
    file: 'issuer.json',
    crd: 'issuers.cert-manager.io.yaml',
    kind: 'Issuer',
    open: ['status', 'spec.acme.*', 'spec.vault.*', 'spec.venafi.*'],
  },
  {
    file: 'clusterissuer.json',
    crd: 'clusterissuers.cert-manager.io.yaml',
    kind: 'ClusterIssuer',
    open: ['status', 'spec.acme.*', 'spec.vault.*', 'spec.venafi.*'],
  },
];

// Formats the API server validates (apiextensions supported formats); others are stripped by it, and by us.
const K8S_FORMATS = new Set([
  'bsonobjectid',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'mac',
  'uuid',
  'uuid3',
  'uuid4',
  'uuid5',
  'isbn',
  'isbn10',
  'isbn13',
  'creditcard',
  'ssn',
  'hexcolor',
  'rgbcolor',
  'byte',
  'password',
  'date',
  'duration',
  'datetime',
  'date-time',
]);
const COPIED = [
  'type',
  'nullable',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'required',
];
// Keywords that only matter to the API server's list/map merge logic or are handled below.
const HANDLED = new Set([
  ...COPIED,
  'description',
  'title',
  'properties',
  'items',
  'additionalProperties',
  'oneOf',
  'anyOf',
  'allOf',
  'format',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
]);

/** Path key for a property name: `a.b`, or `a["b.c"]` when the name contains a dot or bracket. */
function join2(base, name) {
  if (/[.[\]{}"]/.test(name)) return `${base}["${name}"]`;
  return base ? `${base}.${name}` : name;
}

function isOpened(path, open) {
  for (const o of open) {
    if (o.endsWith('.*')) {
      const parent = o.slice(0, -2);
      if (
        path.startsWith(parent + '.') &&
        !path.slice(parent.length + 1).includes('.') &&
        !path.slice(parent.length + 1).includes('[')
      )
        return true;
    } else if (path === o) return true;
  }
  return false;
}

function transform(node, path, ctx) {
  for (const k of Object.keys(node)) {
    if (!HANDLED.has(k))
      throw new Error(`${ctx.kind} ${path || '(root)'}: CRD keyword '${k}' is not handled by gen-schemas.mjs`);
  }
  const out = {};
  const d = ctx.describe(path);
  if (d) out.description = d;
  for (const k of COPIED) if (node[k] !== undefined) out[k] = structuredClone(node[k]);
  if (node.format !== undefined && K8S_FORMATS.has(node.format)) out.format = node.format;
  if (isOpened(path, ctx.open)) {
    ctx.opened.push(path);
    return out; // typed, but no children: BrokerKit does not judge inside
  }
  for (const k of ['x-kubernetes-list-type', 'x-kubernetes-list-map-keys']) {
    // Uniqueness of list-map keys is enforced by the API server; no kept subtree uses it today. Fail loudly if one does.
    if (node[k] !== undefined && node[k] !== 'atomic')
      throw new Error(`${ctx.kind} ${path}: ${k} in a checked subtree; teach gen-schemas.mjs about it`);
  }
  if (node.properties) {
    out.properties = {};
    for (const name of Object.keys(node.properties))
      out.properties[name] = transform(node.properties[name], join2(path, name), ctx);
    if (!node['x-kubernetes-preserve-unknown-fields'] && node.additionalProperties === undefined)
      out.additionalProperties = false;
  }
  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'object'
        ? transform(node.additionalProperties, `${path}{}`, ctx)
        : node.additionalProperties;
  }
  if (node.items) out.items = transform(node.items, `${path}[]`, ctx);
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    if (node[k])
      out[k] = node[k].map((alt, i) => {
        const a = transform(alt, `${path}|${k}${i}`, ctx);
        delete a.description;
        return a;
      });
  }
  ctx.seen.add(path);
  return out;
}

function describer(kind, used) {
  const own = overlay[kind] ?? {};
  return (path) => {
    if (own[path] !== undefined) {
      used.add(`${kind}:${path}`);
      return own[path];
    }
    if (overlay.common[path] !== undefined) {
      used.add(`common:${path}`);
      return overlay.common[path];
    }
    return undefined;
  };
}

function metadataSchema(describe) {
  const map = (p) => ({
    description: describe(p),
    type: 'object',
    additionalProperties: { description: describe(`${p}{}`), type: 'string' },
  });
  return {
    description: describe('metadata'),
    type: 'object',
    properties: {
      name: { description: describe('metadata.name'), type: 'string' },
      namespace: { description: describe('metadata.namespace'), type: 'string' },
      labels: map('metadata.labels'),
      annotations: map('metadata.annotations'),
    },
  };
}

function rootFields(schema, describe) {
  const props = schema.properties;
  const ordered = {
    apiVersion: { description: describe('apiVersion'), type: 'string' },
    kind: { description: describe('kind'), type: 'string' },
    metadata: metadataSchema(describe),
  };
  for (const [k, v] of Object.entries(props)) if (!(k in ordered)) ordered[k] = v;
  schema.properties = ordered;
}

function fromCrd(def, used) {
  const file = join(CRDS, def.crd);
  if (!existsSync(file)) throw new Error(`CRD file not found: ${file} (set --crds or BROKERKIT_CRDS)`);
  const list = parse(readFileSync(file, 'utf8'));
  const crd = list.kind === 'List' ? list.items[0] : list;
  if (crd.spec.names.kind !== def.kind)
    throw new Error(`${def.crd}: kind is ${crd.spec.names.kind}, expected ${def.kind}`);
  const served = crd.spec.versions.filter((v) => v.served);
  if (served.length !== 1)
    throw new Error(`${def.crd}: expected one served version, found ${served.map((v) => v.name).join(', ')}`);
  const version = served[0];
  const describe = describer(def.kind, used);
  const ctx = { kind: def.kind, open: def.open, opened: [], seen: new Set(), describe };
  const body = transform(version.schema.openAPIV3Schema, '', ctx);
  for (const o of def.open) {
    if (!o.endsWith('.*') && !ctx.opened.includes(o)) throw new Error(`${def.kind}: open path '${o}' not found`);
  }
  rootFields(body, describe);
  body.additionalProperties = false;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `urn:brokerkit:schema:${def.kind.toLowerCase()}`,
    $comment: `Generated by scripts/gen-schemas.mjs from the CRD ${crd.metadata.name} (version ${version.name}) in schemas/crds; descriptions from scripts/schema-descriptions.mjs. Do not edit: run npm run schemas.`,
    'x-brokerkit': {
      group: crd.spec.group,
      version: version.name,
      kind: def.kind,
      scope: crd.spec.scope,
      crd: crd.metadata.name,
      opened: def.open,
    },
    title: def.kind,
    ...body,
  };
}

function secretSchema(used) {
  const describe = describer('Secret', used);
  const stringMap = (p, known) => ({
    description: describe(p),
    type: 'object',
    properties: Object.fromEntries(known.map((k) => [k, { description: describe(join2(p, k)), type: 'string' }])),
    additionalProperties: { description: describe(`${p}{}`), type: 'string' },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'urn:brokerkit:schema:secret',
    $comment:
      'Written by hand in scripts/gen-schemas.mjs: the core v1 Secret (not a CRD), as far as a kubernetes.io/tls Secret uses it. Do not edit: run npm run schemas.',
    'x-brokerkit': { group: '', version: 'v1', kind: 'Secret', scope: 'Namespaced', crd: null, opened: [] },
    title: 'Secret',
    description: describe(''),
    type: 'object',
    properties: {
      apiVersion: { description: describe('apiVersion'), type: 'string' },
      kind: { description: describe('kind'), type: 'string' },
      metadata: metadataSchema(describe),
      type: { description: describe('type'), type: 'string' },
      data: stringMap('data', ['tls.crt', 'tls.key', 'ca.crt']),
      stringData: stringMap('stringData', ['tls.crt', 'tls.key']),
      immutable: { description: describe('immutable'), type: 'boolean' },
    },
    additionalProperties: false,
  };
}

function main() {
  const used = new Set();
  const outputs = new Map();
  for (const def of KINDS) outputs.set(def.file, fromCrd(def, used));
  outputs.set('secret.json', secretSchema(used));
  // Every description in the overlay must land somewhere: a path typo would silently lose hover text.
  const unused = [];
  for (const [kind, table] of Object.entries(overlay)) {
    for (const path of Object.keys(table)) if (!used.has(`${kind}:${path}`)) unused.push(`${kind}:${path || '(root)'}`);
  }
  if (unused.length)
    throw new Error(`descriptions for paths that do not exist in the schemas:\n  ${unused.join('\n  ')}`);
  let stale = 0;
  if (!CHECK) mkdirSync(OUT, { recursive: true });
  for (const [file, schema] of outputs) {
    const text = JSON.stringify(schema, null, 2) + '\n';
    const target = join(OUT, file);
    if (CHECK) {
      const old = existsSync(target) ? readFileSync(target, 'utf8') : '';
      if (old !== text) {
        stale++;
        console.error(`schemas/${file} is out of date: run npm run schemas`);
      }
    } else {
      writeFileSync(target, text);
    }
  }
  if (CHECK && stale) process.exit(1);
  console.log(
    CHECK
      ? `schemas up to date (${outputs.size} files, CRDs from ${CRDS})`
      : `wrote ${outputs.size} schemas to ${OUT} (CRDs from ${CRDS})`,
  );
}

try {
  main();
} catch (e) {
  console.error(`gen-schemas: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
