// service-type-conflict: a broker has one listener per service type, so the second listener's
// ports move into the existing listener of that type — a workspace edit across files: the ports are appended to the
// target's `spec.ports` and this listener's document is removed. When the target is AIO's built-in `default`
// listener (not in the workspace), this document becomes a `default` listener with AIO's settings plus the moved
// ports.
// data (service-type-conflict.ts): { serviceType, targetName, targetNamespace, targetOrigin, targetUri?, ports }.
import type { TextEdit } from 'vscode-languageserver';
import type { Resource } from '../engine';
import { AIO_GROUP, rangeOf } from '../engine';
import { builtinObjects } from '../engine/builtins';
import type { Fix, FixContext } from './fix-util';
import { dataOf, quickFix } from './fix-util';
import { appendItems, removeDocument, yamlBlock } from './yaml-edit';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'service-type-conflict' || !f.resource) return undefined;
  const d = dataOf(f);
  if (typeof d.targetName !== 'string' || typeof d.targetNamespace !== 'string') return undefined;
  const me = f.resource;
  const ports = Array.isArray(me.value.spec?.ports)
    ? me.value.spec.ports.filter((p: unknown) => p && typeof p === 'object')
    : [];
  if (ports.length === 0) return undefined;
  const portList = ports
    .map((p: any) => p.port)
    .filter((p: unknown) => typeof p === 'number')
    .join(', ');
  const target = f.index
    .get('BrokerListener', d.targetNamespace, d.targetName)
    .find((r) => r.group === AIO_GROUP && r.chunk);
  if (target?.chunk) return intoWorkspaceListener(f, me, target, ports, portList);
  if (d.targetOrigin === 'builtin' || d.targetOrigin === 'cluster')
    return intoDefault(f, me, d.targetName, d.targetNamespace, ports, portList);
  return undefined;
};

function intoWorkspaceListener(
  f: FixContext,
  me: Resource,
  target: Resource,
  ports: unknown[],
  portList: string,
): ReturnType<Fix['fix']> {
  const tc = target.chunk!;
  const append = appendItems(tc, ['spec', 'ports'], ports);
  if (!append) return undefined;
  const edits: Record<string, TextEdit[]> = {};
  const add = (uri: string, e: TextEdit) => (edits[uri] ??= []).push(e);
  add(tc.uri, append);
  add(f.uri, removeDocument(f.file, f.chunk));
  const where = tc.uri === f.uri ? '' : ` (${decodeURIComponent(tc.uri.replace(/^.*\//, ''))})`;
  return [
    quickFix(
      `Move port${ports.length > 1 ? 's' : ''} ${portList} into listener '${target.name}'${where} and remove '${me.name}'`,
      f,
      edits,
      true,
    ),
  ];
}

function intoDefault(
  f: FixContext,
  me: Resource,
  name: string,
  namespace: string,
  ports: unknown[],
  portList: string,
): ReturnType<Fix['fix']> {
  // Only AIO's own default listener has settings we know; a listener that exists only in the cluster does not.
  const builtin = builtinObjects(namespace).find((r) => r.kind === 'BrokerListener' && r.name === name);
  if (!builtin) return undefined;
  const value = JSON.parse(JSON.stringify(builtin.value));
  value.spec.ports = [...value.spec.ports, ...ports];
  if (me.value.spec?.brokerRef !== undefined) value.spec = { brokerRef: me.value.spec.brokerRef, ...value.spec };
  const c = f.chunk;
  const contents = c.parse.doc.contents?.range;
  if (!contents) return undefined;
  const body = yamlBlock(value, 0) + '\n';
  const range = rangeOf(c, contents[0], c.parse.text.length);
  return [
    quickFix(
      `Add port${ports.length > 1 ? 's' : ''} ${portList} to AIO's '${name}' listener (replaces '${me.name}' with a '${name}' listener keeping AIO's settings)`,
      f,
      { [f.uri]: [{ range, newText: body }] },
      true,
    ),
  ];
}
