// The generic quick fix: a finding whose data has `replace: string` means "replace the finding's range with this
// text" (enum spellings such as ClusterIP -> ClusterIp, Websockets -> WebSockets, durations such as 90d -> 2160h,
// an issuer kind, ...). `data.remove` (paths of keys to delete in the same document, e.g. cert-manager's `size` once
// folded into `Ec384`) is applied in the same edit. Findings with a dedicated fix (fix-port-conflict) are skipped.
import type { TextEdit } from 'vscode-languageserver';
import type { Fix, FixContext } from './fix-util';
import { dataOf, quickFix } from './fix-util';
import { removeKey } from './yaml-edit';

const DEDICATED = new Set(['port-conflict']);

export const fix: Fix['fix'] = (f: FixContext) => {
  const d = dataOf(f);
  if (typeof d.replace !== 'string' || DEDICATED.has(f.finding.code)) return undefined;
  const edits: TextEdit[] = [{ range: f.finding.range, newText: d.replace }];
  const removes = Array.isArray(d.remove) ? d.remove : [];
  for (const path of removes) {
    if (!Array.isArray(path)) continue;
    const e = removeKey(f.chunk, path as (string | number)[]);
    if (e) edits.push(e);
  }
  const extra = edits.length > 1 ? ` (and remove ${removes.map((p) => (p as unknown[])[(p as unknown[]).length - 1]).join(', ')})` : '';
  return [quickFix(`Replace with '${d.replace}'${extra}`, f, { [f.uri]: edits }, true)];
};
