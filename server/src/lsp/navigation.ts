// Go to definition and find references across files: a reference (authenticationRef, issuerRef, secretRef, ...)
// leads to the document that defines the object; from an object (an Issuer, a BrokerAuthentication, ...) every
// document that refers to it is found.
import type { Location, Position } from 'vscode-languageserver';
import type { Resource } from '../engine';
import { identity } from '../engine';
import { RefSite, RefTarget, refsOf, resolve, secretProducers } from './refs';
import type { ServerContext } from './context';
import { chunkAt, nodeAt, offsetIn, resourceOf, samePath } from './yaml-nav';
import { locate, rangeOf } from '../engine';

export interface RefAt {
  resource: Resource;
  site?: RefSite;
  onName: boolean;
}

/** What is under the cursor: a reference site, the name of the object itself, or just somewhere in an object. */
export function refAt(ctx: ServerContext, uri: string, pos: Position): RefAt | undefined {
  ctx.store.sync();
  const file = ctx.workspace.getFile(uri);
  if (!file) return undefined;
  const chunk = chunkAt(file, pos.line, pos.character);
  if (!chunk) return undefined;
  const resource = resourceOf(file, chunk);
  if (!resource) return undefined;
  const at = nodeAt(chunk, offsetIn(chunk, pos));
  const site = at.onKey ? undefined : refsOf(resource).find((s) => samePath(s.path, at.path));
  return { resource, site, onName: samePath(at.path, ['metadata', 'name']) };
}

/** Where an object is defined: its `metadata.name`, or the start of its document. */
export function definitionLocation(r: Resource): Location | undefined {
  const c = r.chunk;
  if (!c) return undefined;
  const where = locate(c.parse.doc, ['metadata', 'name']);
  return { uri: c.uri, range: rangeOf(c, where.found ? where.start : 0, where.found ? where.end : 0) };
}

/** Every place in the workspace that refers to the object `t` (deployed together with `from`, when given). */
export function referencesTo(ctx: ServerContext, t: RefTarget, from?: string): Location[] {
  const out: Location[] = [];
  const id = identity(t);
  const deps = from ? ctx.workspace.deploymentsOf(from) : undefined;
  for (const r of ctx.workspace.resources()) {
    const c = r.chunk;
    if (!c || !ctx.workspace.deployedWith(deps, c.uri)) continue;
    for (const s of refsOf(r)) {
      if (identity(s.target) !== id) continue;
      const w = locate(c.parse.doc, s.path);
      if (w.found) out.push({ uri: c.uri, range: rangeOf(c, w.start, w.end) });
    }
  }
  return out;
}

export function register(ctx: ServerContext): void {
  ctx.capabilities.definitionProvider = true;
  ctx.capabilities.referencesProvider = true;

  ctx.connection.onDefinition((params, token) => {
    try {
      const at = refAt(ctx, params.textDocument.uri, params.position);
      if (!at?.site || token.isCancellationRequested) return null;
      const index = ctx.workspace.indexFor(params.textDocument.uri);
      let targets = resolve(index, at.site.target);
      if (targets.length === 0 && at.site.target.kind === 'Secret')
        targets = secretProducers(index, at.site.target.namespace, at.site.target.name);
      const locs = targets.map(definitionLocation).filter((l): l is Location => !!l);
      return locs.length ? locs : null;
    } catch (e) {
      ctx.log('error', `definition failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  });

  ctx.connection.onReferences((params, token) => {
    try {
      const at = refAt(ctx, params.textDocument.uri, params.position);
      if (!at || token.isCancellationRequested) return null;
      const r = at.resource;
      const target: RefTarget | undefined =
        at.site?.target ?? (r.name ? { kind: r.kind, namespace: r.namespace, name: r.name } : undefined);
      if (!target) return null;
      const out = referencesTo(ctx, target, params.textDocument.uri);
      if (params.context.includeDeclaration) {
        for (const d of resolve(ctx.workspace.indexFor(params.textDocument.uri), target)) {
          const l = definitionLocation(d);
          if (l) out.unshift(l);
        }
      }
      return out;
    } catch (e) {
      ctx.log('error', `references failed: ${(e as Error).stack ?? e}`);
      return null;
    }
  });
}
