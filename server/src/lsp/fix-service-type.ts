// service-type-conflict: a broker has one listener per service type, so the second listener's
// ports move into the existing listener of that type — a workspace edit across files: the ports are appended to the
// target's `spec.ports` and this listener's document is removed. When the target is AIO's built-in `default`
// listener (not in the workspace), this document becomes a `default` listener with AIO's settings plus the moved
// ports.
// The ports are merged: a port number the target already has is not added again. When its settings there differ,
// the user chooses (two actions, neither preferred, each naming the differences): keep the target's settings, or
// take this listener's.
// data (service-type-conflict.ts): { serviceType, targetName, targetNamespace, targetOrigin, targetUri?, ports }.
import type { TextEdit } from 'vscode-languageserver';
import type { Resource } from '../engine';
import { AIO_GROUP, rangeOf } from '../engine';
import { builtinObjects } from '../engine/builtins';
import type { Fix, FixContext } from './fix-util';
import { dataOf, quickFix } from './fix-util';
import { appendItems, removeDocument, replaceItem, yamlBlock } from './yaml-edit';
import { isMap } from '../engine/values';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'service-type-conflict' || !f.resource) return undefined;
  const d = dataOf(f);
  if (typeof d.targetName !== 'string' || typeof d.targetNamespace !== 'string') return undefined;
  const me = f.resource;
  const ports = Array.isArray(me.value.spec?.ports)
    ? me.value.spec.ports.filter((p: unknown) => p && typeof p === 'object')
    : [];
  if (ports.length === 0) return undefined;
  const target = f.index
    .get('BrokerListener', d.targetNamespace, d.targetName)
    .find((r) => r.group === AIO_GROUP && r.chunk);
  if (target?.chunk) return intoWorkspaceListener(f, me, target, ports);
  if (d.targetOrigin === 'builtin' || d.targetOrigin === 'cluster')
    return intoDefault(f, me, d.targetName, d.targetNamespace, ports);
  return undefined;
};

/** How this listener's ports meet the target's: the ports to add, and the port numbers both have. */
interface Merge {
  add: unknown[];
  /** Same number in both, same settings: nothing to do. */
  same: number[];
  /** Same number, other settings: the target's index, the port, and what differs. */
  differ: { index: number; port: Record<string, unknown>; diffs: string[] }[];
}

export function mergePorts(target: unknown[], mine: unknown[]): Merge {
  const out: Merge = { add: [], same: [], differ: [] };
  for (const p of mine) {
    const n = (p as { port?: unknown }).port;
    const i = typeof n === 'number' ? target.findIndex((t) => (t as { port?: unknown })?.port === n) : -1;
    if (i < 0) {
      out.add.push(p);
      continue;
    }
    const diffs = differences(target[i], p);
    if (diffs.length === 0) out.same.push(n as number);
    else out.differ.push({ index: i, port: p as Record<string, unknown>, diffs });
  }
  return out;
}

/** Settings that differ between two port entries, as `field: theirs / mine` (dotted paths, leaves only). */
function differences(theirs: unknown, mine: unknown, at = ''): string[] {
  if (isMap(theirs) && isMap(mine)) {
    const keys = [...new Set([...Object.keys(theirs), ...Object.keys(mine)])];
    return keys.flatMap((k) => differences(theirs[k], mine[k], at ? `${at}.${k}` : k));
  }
  if (JSON.stringify(theirs) === JSON.stringify(mine)) return [];
  const show = (v: unknown) => (v === undefined ? '(none)' : isMap(v) || Array.isArray(v) ? '(set)' : String(v));
  return [`${at}: ${show(theirs)} / ${show(mine)}`];
}

function plural(n: number, word: string): string {
  return `${word}${n > 1 ? 's' : ''}`;
}

/** "port 8883 (authenticationRef: a / b; tls.mode: …)" for the ports both listeners have with other settings. */
function describeDiffers(m: Merge): string {
  return m.differ
    .map((d) => {
      const shown = d.diffs.slice(0, 3).join('; ') + (d.diffs.length > 3 ? `; ${d.diffs.length - 3} more` : '');
      return `port ${String(d.port.port)} (${shown})`;
    })
    .join(', ');
}

function intoWorkspaceListener(
  f: FixContext,
  me: Resource,
  target: Resource,
  ports: unknown[],
): ReturnType<Fix['fix']> {
  const tc = target.chunk!;
  const theirs: unknown[] = Array.isArray(target.value.spec?.ports) ? target.value.spec.ports : [];
  const m = mergePorts(theirs, ports);
  const where = tc.uri === f.uri ? '' : ` (${decodeURIComponent(tc.uri.replace(/^.*\//, ''))})`;
  const list = (xs: unknown[]) => xs.map((p) => String((p as { port?: unknown }).port)).join(', ');
  const head = m.add.length
    ? `Move ${plural(m.add.length, 'port')} ${list(m.add)} into listener '${target.name}'${where} and remove '${me.name}'`
    : `Remove '${me.name}': listener '${target.name}'${where} has its ${plural(ports.length, 'port')} already`;
  const sameNote = m.same.length && m.add.length ? ` (${m.same.join(', ')} already there)` : '';
  /** The edits of one choice: append the new ports, replace the target's entries listed in `take`, drop this document. */
  const edits = (take: Merge['differ']): Record<string, TextEdit[]> | undefined => {
    const out: Record<string, TextEdit[]> = {};
    const add = (uri: string, e: TextEdit) => (out[uri] ??= []).push(e);
    if (m.add.length) {
      const append = appendItems(tc, ['spec', 'ports'], m.add);
      if (!append) return undefined;
      add(tc.uri, append);
    }
    for (const d of take) {
      const replace = replaceItem(tc, ['spec', 'ports'], d.index, d.port);
      if (!replace) return undefined;
      add(tc.uri, replace);
    }
    add(f.uri, removeDocument(f.file, f.chunk));
    return out;
  };
  if (m.differ.length === 0) {
    const e = edits([]);
    return e ? [quickFix(head + sameNote, f, e, true)] : undefined;
  }
  // The same port number with other settings: the user picks whose settings win; the title says what differs.
  const out = [];
  const keep = edits([]);
  if (keep)
    out.push(
      quickFix(`${head}, keeping the settings of '${target.name}' for ${describeDiffers(m)}${sameNote}`, f, keep),
    );
  const take = edits(m.differ);
  if (take)
    out.push(quickFix(`${head}, with the settings of '${me.name}' for ${describeDiffers(m)}${sameNote}`, f, take));
  return out.length ? out : undefined;
}

function intoDefault(
  f: FixContext,
  me: Resource,
  name: string,
  namespace: string,
  ports: unknown[],
): ReturnType<Fix['fix']> {
  // Only AIO's own default listener has settings we know; a listener that exists only in the cluster does not.
  const builtin = builtinObjects(namespace).find((r) => r.kind === 'BrokerListener' && r.name === name);
  if (!builtin) return undefined;
  const value = JSON.parse(JSON.stringify(builtin.value));
  // AIO's own ports keep AIO's settings (changing them is unsupported): a port it has already is not added again.
  const m = mergePorts(value.spec.ports, ports);
  const note = m.differ.length ? `; AIO's settings stay for ${describeDiffers(m)}` : '';
  if (m.add.length === 0) {
    // Nothing to add: AIO's listener (which AIO creates anyway) has every port; this document only clashes.
    return [
      quickFix(
        `Remove '${me.name}': AIO's '${name}' listener has its ${plural(ports.length, 'port')} already${note}`,
        f,
        { [f.uri]: [removeDocument(f.file, f.chunk)] },
        m.differ.length === 0,
      ),
    ];
  }
  value.spec.ports = [...value.spec.ports, ...m.add];
  if (me.value.spec?.brokerRef !== undefined) value.spec = { brokerRef: me.value.spec.brokerRef, ...value.spec };
  const c = f.chunk;
  const contents = c.parse.doc.contents?.range;
  if (!contents) return undefined;
  const body = yamlBlock(value, 0) + '\n';
  const range = rangeOf(c, contents[0], c.parse.text.length);
  const list = m.add.map((p) => String((p as { port?: unknown }).port)).join(', ');
  const same = m.same.length ? `; ${m.same.join(', ')} already there` : '';
  const title = `Add ${plural(m.add.length, 'port')} ${list} to AIO's '${name}' listener (replaces '${me.name}' with a '${name}' listener keeping AIO's settings${same}${note})`;
  return [quickFix(title, f, { [f.uri]: [{ range, newText: body }] }, m.differ.length === 0)];
}
