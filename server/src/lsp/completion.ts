// Completion: keys from the schema (snippets for a port and for TLS), enum values, names of objects that exist
// (BrokerAuthentication, BrokerAuthorization, issuers of the right kind for the namespace, TLS secrets) and a free
// port. Works on text being typed: the key path comes from indentation (yaml-text.ts), not from a parse. Inside a
// flow collection on the line (`- {port: 1883, protocol: `) the path continues through it; in a comment nothing is
// offered.
import {
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  Position,
  Range,
} from 'vscode-languageserver';
import type { Index, Resource } from '../engine';
import { AIO_GROUP, CERT_MANAGER_GROUP } from '../engine';
import { documentedValues } from '../engine/spelling';
import { schemaAt, SchemaInfo } from './schema-info';
import type { ServerContext } from './context';
import { commentStart, documentBounds, flowAt, lineInfo, pathOfMap, siblingKeys } from './yaml-text';

export function register(ctx: ServerContext): void {
  ctx.capabilities.completionProvider = { triggerCharacters: [':', ' '], resolveProvider: false };
  ctx.connection.onCompletion((params, token) => {
    try {
      if (token.isCancellationRequested) return null;
      return complete(ctx, params.textDocument.uri, params.position);
    } catch (e) {
      ctx.log('error', `completion failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  });
}

interface DocFacts {
  kind?: string;
  apiVersion?: string;
  namespace: string;
}

const DEFAULT_PORTS = [1883, 8883, 8884, 8885, 1884];
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

export function complete(ctx: ServerContext, uri: string, pos: Position): CompletionList | null {
  ctx.store.sync();
  const doc = ctx.documents.get(uri);
  const text = doc?.getText() ?? ctx.workspace.getFile(uri)?.text;
  if (text === undefined) return null;
  const lines = text.split('\n');
  if (pos.line >= lines.length) return null;
  const lineText = lines[pos.line].replace(/\r$/, '');
  const prefix = lineText.slice(0, pos.character);
  const bounds = documentBounds(lines, pos.line);
  const facts = docFacts(lines, bounds);
  // Nothing to offer in a comment (`protocol: Mqtt  # see docs|`).
  const comment = commentStart(lineText);
  if (comment >= 0 && pos.character > comment) return null;
  const index = ctx.workspace.indexFor(uri);

  // Inside a flow collection: `- {port: 1883, protocol: |` or `labels: {a: b, |`.
  const flow = flowAt(prefix);
  if (flow) {
    const head = lineInfo(prefix.slice(0, flow.open));
    let base: (string | number)[] = [];
    if (head?.key !== undefined) base = [...pathOfMap(lines, pos.line, head.contentCol, bounds.start), head.key];
    else if (head?.dash) base = pathOfMap(lines, pos.line, head.contentCol, bounds.start);
    const path = [...base, ...flow.path];
    const range = Range.create(
      pos.line,
      flow.partialStart,
      pos.line,
      Math.max(pos.character, wordEnd(lineText, pos.character)),
    );
    const items =
      flow.kind === 'key'
        ? keyItems(facts, path, flow.keys, range, true)
        : valueItems(
            ctx,
            index,
            facts,
            lines,
            pos.line,
            bounds,
            flow.kind === 'value' ? [...path, flow.key!] : path,
            flow.partialStart,
            range,
          );
    return items.length ? { isIncomplete: false, items } : null;
  }

  // `key: partial` -> values for that key
  const info = lineInfo(prefix);
  if (info?.key !== undefined && /:\s/.test(prefix.slice(info.contentCol))) {
    const mapPath = pathOfMap(lines, pos.line, info.contentCol, bounds.start);
    const partialStart = prefix.length - (/[^\s:]*$/.exec(prefix)?.[0].length ?? 0);
    const range = Range.create(
      pos.line,
      partialStart,
      pos.line,
      Math.max(pos.character, wordEnd(lineText, pos.character)),
    );
    const items = valueItems(
      ctx,
      index,
      facts,
      lines,
      pos.line,
      bounds,
      [...mapPath, info.key],
      info.contentCol,
      range,
    );
    return items.length ? { isIncomplete: false, items } : null;
  }
  // `partial` or `- partial` -> keys of the mapping at that column
  const m = /^( *)(- +)?([A-Za-z0-9_.\-/]*)$/.exec(prefix);
  if (m) {
    const col = m[1].length + (m[2]?.length ?? 0);
    const mapPath = pathOfMap(lines, pos.line, col, bounds.start);
    const existing = siblingKeys(lines, pos.line, col, bounds);
    const range = Range.create(pos.line, col, pos.line, Math.max(pos.character, wordEnd(lineText, pos.character)));
    const items = keyItems(facts, mapPath, existing, range);
    return items.length ? { isIncomplete: false, items } : null;
  }
  return null;
}

function wordEnd(line: string, from: number): number {
  const m = /^[A-Za-z0-9_.\-/]*/.exec(line.slice(from));
  return from + (m?.[0].length ?? 0);
}

function docFacts(lines: string[], b: { start: number; end: number }): DocFacts {
  const facts: DocFacts = { namespace: '' };
  let inMeta = false;
  for (let l = b.start; l <= b.end; l++) {
    const t = lines[l];
    let m: RegExpExecArray | null;
    if ((m = /^kind:\s*["']?([A-Za-z0-9]+)/.exec(t))) facts.kind = m[1];
    else if ((m = /^apiVersion:\s*["']?([A-Za-z0-9.\-/]+)/.exec(t))) facts.apiVersion = m[1];
    else if (/^metadata:\s*$/.test(t)) {
      inMeta = true;
      continue;
    } else if (inMeta && (m = /^\s+namespace:\s*["']?([a-z0-9.-]+)/.exec(t))) facts.namespace = m[1];
    if (/^\S/.test(t)) inMeta = false;
  }
  return facts;
}

function ns(ctx: ServerContext, f: DocFacts): string {
  return f.namespace || ctx.settings.defaultNamespace;
}

// ---- keys -------------------------------------------------------------------------------------------------------

const SNIPPETS: Record<string, { label: string; detail: string; body: string }[]> = {
  // A port entry
  ports: [
    {
      label: 'ports',
      detail: 'a port with authentication and automatic TLS',
      body: 'ports:\n- port: ${1:8883}\n  protocol: ${2|Mqtt,WebSockets|}\n  authenticationRef: ${3:default}\n  tls:\n    mode: Automatic\n    certManagerCertificateSpec:\n      issuerRef:\n        name: ${4:azure-iot-operations-aio-certificate-issuer}\n        kind: ${5|ClusterIssuer,Issuer|}\n        group: cert-manager.io\n$0',
    },
  ],
  // Automatic TLS with the AIO default issuer, or manual TLS
  tls: [
    {
      label: 'tls',
      detail: 'automatic TLS (cert-manager)',
      body: 'tls:\n  mode: Automatic\n  certManagerCertificateSpec:\n    issuerRef:\n      name: ${1:azure-iot-operations-aio-certificate-issuer}\n      kind: ${2|ClusterIssuer,Issuer|}\n      group: cert-manager.io\n$0',
    },
    {
      label: 'tls (manual)',
      detail: 'manual TLS from a Secret',
      body: 'tls:\n  mode: Manual\n  manual:\n    secretRef: ${1:server-cert-secret}\n$0',
    },
  ],
};

/** Keys of the mapping at `mapPath`. In a flow mapping (`flow`) each is `key: ` on the line, no block snippets. */
function keyItems(
  f: DocFacts,
  mapPath: (string | number)[],
  existing: Set<string>,
  range: Range,
  flow = false,
): CompletionItem[] {
  if (!f.kind || !f.apiVersion) {
    if (mapPath.length) return [];
    return ['apiVersion', 'kind', 'metadata', 'spec']
      .filter((k) => !existing.has(k))
      .map((k, i) => ({
        label: k,
        kind: CompletionItemKind.Property,
        sortText: String(i),
        textEdit: { range, newText: `${k}: ` },
      }));
  }
  const s = schemaAt(f.apiVersion, f.kind, mapPath);
  const props = s?.properties ?? {};
  const out: CompletionItem[] = [];
  for (const [key, p] of Object.entries(props)) {
    if (existing.has(key)) continue;
    const required = s?.required?.includes(key);
    const doc = docOf(p);
    const snippets =
      !flow && f.kind === 'BrokerListener' && (key === 'ports' || key === 'tls') ? SNIPPETS[key] : undefined;
    if (snippets) {
      for (const sn of snippets) {
        out.push({
          label: sn.label,
          kind: CompletionItemKind.Snippet,
          detail: sn.detail,
          documentation: doc,
          filterText: key,
          sortText: `${required ? 0 : 1}${key}`,
          insertTextFormat: InsertTextFormat.Snippet,
          insertTextMode: InsertTextMode.adjustIndentation,
          textEdit: { range, newText: sn.body },
        });
      }
      continue;
    }
    out.push({
      label: key,
      kind: CompletionItemKind.Property,
      detail: typeText(p) + (required ? ' (required)' : ''),
      documentation: doc,
      sortText: `${required ? 0 : 1}${key}`,
      insertTextFormat: InsertTextFormat.Snippet,
      insertTextMode: InsertTextMode.adjustIndentation,
      textEdit: { range, newText: flow ? `${key}: ` : keySnippet(key, p) },
    });
  }
  return out;
}

function typeOf(p: SchemaInfo): string | undefined {
  if (Array.isArray(p.type)) return p.type.find((t) => t !== 'null');
  if (p.type) return p.type;
  if (p.properties) return 'object';
  return undefined;
}

function typeText(p: SchemaInfo): string {
  return typeOf(p) ?? '';
}

function keySnippet(key: string, p: SchemaInfo): string {
  const t = typeOf(p);
  if (p.enum?.length)
    return `${key}: \${1|${documentedValues(p.enum)
      .map((e) => e.replace(/[|,]/g, ''))
      .join(',')}|}`;
  if (t === 'object') return `${key}:\n  $0`;
  if (t === 'array') return p.items && typeOf(p.items) === 'object' ? `${key}:\n- $0` : `${key}:\n- \${1}`;
  return `${key}: $0`;
}

function docOf(p: SchemaInfo) {
  const parts: string[] = [];
  if (p.description) parts.push(p.description);
  if (p.enum?.length) parts.push(`Allowed values: ${p.enum.map((e) => '`' + String(e) + '`').join(', ')}`);
  if (p.default !== undefined) parts.push(`Default: \`${JSON.stringify(p.default)}\``);
  return parts.length ? { kind: MarkupKind.Markdown, value: parts.join('\n\n') } : undefined;
}

// ---- values -----------------------------------------------------------------------------------------------------

const KINDS: Record<string, string> = {
  BrokerListener: `${AIO_GROUP}/v1`,
  BrokerAuthentication: `${AIO_GROUP}/v1`,
  BrokerAuthorization: `${AIO_GROUP}/v1`,
  Broker: `${AIO_GROUP}/v1`,
  Issuer: `${CERT_MANAGER_GROUP}/v1`,
  ClusterIssuer: `${CERT_MANAGER_GROUP}/v1`,
  Certificate: `${CERT_MANAGER_GROUP}/v1`,
};

function last(path: (string | number)[], n = 1): (string | number)[] {
  return path.slice(Math.max(0, path.length - n));
}
function endsWith(path: (string | number)[], ...tail: (string | number | null)[]): boolean {
  if (path.length < tail.length) return false;
  const p = last(path, tail.length);
  return tail.every((t, i) => (t === null ? typeof p[i] === 'number' : p[i] === t));
}

function valueItems(
  ctx: ServerContext,
  index: Index,
  f: DocFacts,
  lines: string[],
  line: number,
  bounds: { start: number; end: number },
  path: (string | number)[],
  col: number,
  range: Range,
): CompletionItem[] {
  const out: CompletionItem[] = [];
  const value = (label: string, detail?: string, documentation?: string, sort = '1') =>
    out.push({
      label,
      kind: CompletionItemKind.Value,
      detail,
      sortText: sort + label,
      documentation: documentation ? { kind: MarkupKind.Markdown, value: documentation } : undefined,
      textEdit: { range, newText: label },
    });
  const namespace = ns(ctx, f);
  if (path.length === 1 && path[0] === 'kind') {
    for (const k of Object.keys(KINDS)) value(k, KINDS[k]);
    return out;
  }
  if (path.length === 1 && path[0] === 'apiVersion') {
    for (const v of new Set([f.kind && KINDS[f.kind], ...Object.values(KINDS)].filter(Boolean) as string[])) value(v);
    return out;
  }
  const names = (kind: string, namespace: string, filter: (r: Resource) => boolean = () => true) => {
    for (const r of index.ofKind(kind)) {
      if (r.name === undefined || r.namespace !== namespace || !filter(r)) continue;
      if (out.some((o) => o.label === r.name)) continue;
      value(r.name, `${kind}${r.namespace ? ` in ${r.namespace}` : ''}`, origin(r), '0');
    }
  };
  if (f.kind === 'BrokerListener') {
    if (endsWith(path, 'ports', null, 'authenticationRef')) names('BrokerAuthentication', namespace);
    else if (endsWith(path, 'ports', null, 'authorizationRef')) names('BrokerAuthorization', namespace);
    else if (endsWith(path, 'manual', 'secretRef')) tlsSecrets(index, namespace, names, value);
    else if (endsWith(path, 'ports', null, 'port')) freePorts(index, namespace, lines, bounds, value);
    else if (endsWith(path, 'ports', null, 'nodePort')) freeNodePorts(index, namespace, value);
    else if (endsWith(path, 'tls', 'mode')) {
      value('Automatic', 'cert-manager issues the certificate');
      value('Manual', 'a Secret you provide');
    }
  }
  if (endsWith(path, 'issuerRef', 'name')) {
    const kind = siblingValue(lines, line, col, bounds, 'kind');
    if (kind !== 'ClusterIssuer') names('Issuer', namespace);
    if (kind !== 'Issuer') names('ClusterIssuer', '');
  }
  if (f.apiVersion && f.kind) {
    const s = schemaAt(f.apiVersion, f.kind, path);
    // The documented spellings only (the CRD also accepts lowerCamel twins, which enum-spelling hints away from).
    for (const e of documentedValues(s?.enum ?? []))
      if (!out.some((o) => o.label === e)) value(e, undefined, s?.description);
  }
  return out;
}

function origin(r: Resource): string {
  if (r.origin === 'builtin') return 'Created by AIO itself.';
  if (r.origin === 'cluster') return 'Exists in the cluster.';
  return r.chunk ? `Defined in ${decodeURIComponent(r.chunk.uri.replace(/^.*\//, ''))}:${r.chunk.startLine + 1}` : '';
}

/** The value of a sibling key in the same block mapping (e.g. issuerRef.kind next to issuerRef.name). */
function siblingValue(
  lines: string[],
  line: number,
  col: number,
  b: { start: number; end: number },
  key: string,
): string | undefined {
  for (const step of [-1, 1]) {
    for (let l = line + step; l >= b.start && l <= b.end; l += step) {
      const info = lineInfo(lines[l]);
      if (!info) continue;
      if (info.contentCol < col) break;
      if (info.contentCol === col && info.key === key) return info.value?.replace(/^["']|["']$/g, '');
    }
  }
  return undefined;
}

function tlsSecrets(
  index: Index,
  namespace: string,
  names: (k: string, ns: string, f?: (r: Resource) => boolean) => void,
  value: (l: string, d?: string, doc?: string, s?: string) => void,
): void {
  names('Secret', namespace, (r) => r.value.type === undefined || r.value.type === 'kubernetes.io/tls');
  for (const c of index.ofKind('Certificate', CERT_MANAGER_GROUP)) {
    const s = c.value.spec?.secretName;
    if (c.namespace === namespace && typeof s === 'string')
      value(s, `written by Certificate ${c.name ?? ''}`, undefined, '0');
  }
}

function usedPorts(index: Index, namespace: string): Set<number> {
  const used = new Set<number>();
  for (const l of index.listeners()) {
    if (l.namespace !== namespace) continue;
    for (const p of Array.isArray(l.value.spec?.ports) ? l.value.spec.ports : [])
      if (typeof p?.port === 'number') used.add(p.port);
  }
  return used;
}

function freePorts(
  index: Index,
  namespace: string,
  lines: string[],
  b: { start: number; end: number },
  value: (l: string, d?: string, doc?: string, s?: string) => void,
): void {
  const used = usedPorts(index, namespace);
  // Ports written in this document but not parsed yet (the line being typed breaks the parse) count too.
  for (let l = b.start; l <= b.end; l++) {
    const m = /^\s*-?\s*port:\s*(\d+)/.exec(lines[l]);
    if (m) used.add(Number(m[1]));
  }
  let n = 0;
  for (const p of DEFAULT_PORTS)
    if (!used.has(p) && n < 3) {
      value(String(p), 'free port', undefined, `0${n}`);
      n++;
    }
  if (n === 0) {
    let p = Math.max(...used, 1883) + 1;
    while (used.has(p) && p < 65535) p++;
    value(String(p), 'free port', undefined, '00');
  }
}

function freeNodePorts(
  index: Index,
  namespace: string,
  value: (l: string, d?: string, doc?: string, s?: string) => void,
): void {
  const used = new Set<number>();
  for (const l of index.listeners())
    for (const p of Array.isArray(l.value.spec?.ports) ? l.value.spec.ports : [])
      if (typeof p?.nodePort === 'number') used.add(p.nodePort);
  void namespace;
  for (let p = NODE_PORT_MIN + 883; p <= NODE_PORT_MAX; p++)
    if (!used.has(p)) {
      value(String(p), 'free node port (30000-32767)', undefined, '0');
      return;
    }
}
