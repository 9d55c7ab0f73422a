// Hover: what a field means and which values it takes (from the schema), what a reference points at and where it is
// defined, and for a listener port which listener and service type expose it (and who else uses the number); on a code
// in a `# brokerkit-ignore` comment, that rule (rule-hover.ts).
import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import type { Index, Resource } from '../engine';
import { AIO_GROUP, describe, identity } from '../engine';
import { definitionLocation } from './navigation';
import { RefSite, describeTarget, refsOf, resolve, secretProducers } from './refs';
import { ruleHover } from './rule-hover';
import { schemaAt, SchemaInfo } from './schema-info';
import type { ServerContext } from './context';
import { isScalar, Node } from 'yaml';
import { chunkAt, chunkLine, nodeAt, nodeRange, offsetIn, resourceOf, samePath } from './yaml-nav';
import { commentStart } from './yaml-text';

export function register(ctx: ServerContext): void {
  ctx.capabilities.hoverProvider = true;
  ctx.connection.onHover((params, token) => {
    try {
      if (token.isCancellationRequested) return null;
      return hoverAt(ctx, params.textDocument.uri, params.position);
    } catch (e) {
      ctx.log('error', `hover failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  });
}

export function hoverAt(ctx: ServerContext, uri: string, pos: Position): Hover | null {
  ctx.store.sync();
  const file = ctx.workspace.getFile(uri);
  if (!file) return null;
  const rule = ruleHover(file.text, pos);
  if (rule) return rule;
  const chunk = chunkAt(file, pos.line, pos.character);
  if (!chunk) return null;
  const resource = resourceOf(file, chunk);
  if (!resource) return null;
  const offset = offsetIn(chunk, pos);
  const at = nodeAt(chunk, offset);
  if (at.path.length === 0 || !at.node) return null;
  // On a comment or a blank line there is nothing to explain (the enclosing list item is not what the user points at).
  const line = chunkLine(chunk, pos.line);
  const comment = commentStart(line);
  const inScalar = isScalar(at.node) && !!(at.node as Node).range && offset <= (at.node as Node).range![1];
  if (!inScalar && (line.trim() === '' || (comment >= 0 && pos.character >= comment))) return null;
  const parts: string[] = [];
  const index = ctx.workspace.indexFor(uri);
  if (!at.onKey) {
    const site = refsOf(resource).find((s) => samePath(s.path, at.path));
    if (site) parts.push(refHover(index, site));
    if (
      resource.group === AIO_GROUP &&
      resource.kind === 'BrokerListener' &&
      at.path.length === 4 &&
      at.path[0] === 'spec' &&
      at.path[1] === 'ports' &&
      at.path[3] === 'port'
    ) {
      const p = portHover(index, resource, at.path[2] as number);
      if (p) parts.push(p);
    }
  }
  if (
    (at.path.length === 1 && at.path[0] === 'kind') ||
    (resource.kind === 'BrokerListener' &&
      at.path.length === 2 &&
      at.path[0] === 'spec' &&
      at.path[1] === 'serviceType')
  ) {
    const alt = alternativeHover(ctx, uri);
    if (alt) parts.push(alt);
  }
  const schema = schemaAt(resource.apiVersion, resource.kind, schemaPath(at.path));
  if (schema) parts.push(schemaHover(fieldName(at.path), schema, at.onKey));
  if (!parts.length) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: parts.join('\n\n---\n\n') },
    range: nodeRange(chunk, at.node),
  };
}

/**
 * When the file is one of a folder's alternatives: that it was checked apart from the others, why, and how to have
 * them checked together (a demanding user applying the whole folder must be able to see what was not compared).
 */
function alternativeHover(ctx: ServerContext, uri: string): string | undefined {
  const d = ctx.workspace.deploymentInfosOf(uri).find((x) => x.alternative === uri && x.alternativeWhy);
  if (!d) return undefined;
  return (
    `**Checked as an alternative** (deployment \`${d.label}\`): ${d.alternativeWhy}, so this folder is taken as a ` +
    'choice of one of them and they are not compared with each other. If the whole folder is applied, list the files ' +
    'in a kustomization, or set `brokerkit.deployments` to `workspace` (`--one-deployment` on the command line), to ' +
    'have them checked together.'
  );
}

/** Schema paths use `[]`-free segments: array indexes stay numbers (schemaAt treats any number as "items"). */
function schemaPath(path: (string | number)[]): (string | number)[] {
  return path;
}

/** The name a hover shows: the key, or for a list item its list and index (`ports[0]`). */
function fieldName(path: (string | number)[]): string {
  const last = path[path.length - 1];
  if (typeof last === 'string') return last;
  const owner = path
    .slice(0, -1)
    .reverse()
    .find((x) => typeof x === 'string');
  return `${owner ?? ''}[${last}]`;
}

function code(s: unknown): string {
  return '`' + String(s).replace(/`/g, "'") + '`';
}

export function schemaHover(field: string, s: SchemaInfo, onKey: boolean): string {
  const lines: string[] = [];
  const type = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  lines.push(`**${field}**${type ? ` — ${type}${s.nullable ? ' (may be null)' : ''}` : ''}`);
  if (s.description) lines.push(s.description);
  if (s.enum?.length) lines.push(`Allowed values: ${s.enum.map(code).join(', ')}`);
  if (s.default !== undefined) lines.push(`Default: ${code(JSON.stringify(s.default))}`);
  if (s.minimum !== undefined || s.maximum !== undefined)
    lines.push(`Range: ${s.minimum ?? '…'} to ${s.maximum ?? '…'}`);
  if (onKey && s.required?.length) lines.push(`Required inside: ${s.required.map(code).join(', ')}`);
  return lines.join('\n\n');
}

function where(r: Resource): string {
  if (r.origin === 'builtin') return 'created by AIO itself (built-in)';
  if (r.origin === 'cluster') return 'exists in the cluster';
  const loc = definitionLocation(r);
  if (!loc) return 'in the workspace';
  const name = decodeURIComponent(loc.uri.replace(/^.*\//, ''));
  return `defined in [${name}:${loc.range.start.line + 1}](${loc.uri}#L${loc.range.start.line + 1})`;
}

function refHover(index: Index, site: RefSite): string {
  const found = resolve(index, site.target);
  const head = `**${site.label}** → ${describeTarget(site.target)}`;
  if (found.length) return `${head}\n\n${found.map((r) => `- ${where(r)}`).join('\n')}`;
  if (site.target.kind === 'Secret') {
    const producers = secretProducers(index, site.target.namespace, site.target.name);
    if (producers.length)
      return `${head}\n\nNot in the workspace; cert-manager writes it for ${producers.map((p) => `${describe(p)} (${where(p)})`).join(', ')}.`;
  }
  return `${head}\n\nNot found in the workspace${site.target.kind === 'Secret' ? ' (Secrets usually live only in the cluster)' : ''}.`;
}

function portHover(index: Index, listener: Resource, i: number): string | undefined {
  const spec = listener.value.spec ?? {};
  const p = Array.isArray(spec.ports) ? spec.ports[i] : undefined;
  if (!p || typeof p.port !== 'number') return undefined;
  const type = typeof spec.serviceType === 'string' ? spec.serviceType : 'ClusterIp (default)';
  const service =
    typeof spec.serviceName === 'string' ? spec.serviceName : `${listener.name ?? '?'} (the listener name)`;
  const tls =
    p.tls && typeof p.tls === 'object'
      ? `TLS ${p.tls.mode ?? '(no mode)'}${p.tls.certManagerCertificateSpec?.issuerRef?.name ? ` from ${p.tls.certManagerCertificateSpec.issuerRef.kind ?? 'issuer'} ${code(p.tls.certManagerCertificateSpec.issuerRef.name)}` : ''}${p.tls.manual?.secretRef ? ` with secret ${code(p.tls.manual.secretRef)}` : ''}`
      : 'no TLS';
  const lines = [
    `**Port ${p.port}** — listener ${code(listener.name ?? '?')}, service ${code(service)} of type ${code(type)}`,
    `Protocol ${code(p.protocol ?? 'Mqtt')}, ${tls}, ${p.authenticationRef ? `authentication ${code(p.authenticationRef)}` : 'no authentication'}${p.authorizationRef ? `, authorization ${code(p.authorizationRef)}` : ''}.`,
  ];
  if (p.nodePort !== undefined && p.nodePort !== null) lines.push(`Node port ${code(p.nodePort)}.`);
  const others: string[] = [];
  const broker = typeof spec.brokerRef === 'string' && spec.brokerRef ? spec.brokerRef : 'default';
  for (const l of index.listeners()) {
    if (identity(l) === identity(listener) || l.namespace !== listener.namespace) continue;
    const b =
      typeof l.value.spec?.brokerRef === 'string' && l.value.spec.brokerRef ? l.value.spec.brokerRef : 'default';
    if (b !== broker) continue;
    const ports = Array.isArray(l.value.spec?.ports) ? l.value.spec.ports : [];
    if (ports.some((q: any) => q?.port === p.port))
      others.push(l.origin === 'workspace' ? `${describe(l)} (${where(l)})` : describe(l));
  }
  if (others.length)
    lines.push(`Also used by ${others.join(', ')}: ports must be unique across the broker's listeners.`);
  return lines.join('\n\n');
}
