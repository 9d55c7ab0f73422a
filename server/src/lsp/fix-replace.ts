// The generic quick fix: a finding whose data has `replace: string` means "replace the finding's range with this
// text" (enum spellings such as ClusterIP -> ClusterIp, Websockets -> WebSockets, durations such as 90d -> 2160h,
// an issuer kind, ...). When the data also carries `deleteRange` (an absolute range: cert-manager's `size: 384` once
// folded into `Ec384`, rules/schema.ts), that text is deleted in the same edit. Findings with a dedicated fix
// (fix-port-conflict) are left to it.
import type { Range, TextEdit } from 'vscode-languageserver';
import type { Fix, FixContext } from './fix-util';
import { dataOf, quickFix } from './fix-util';

const DEDICATED = new Set(['port-conflict']);

function isRange(x: unknown): x is Range {
  const r = x as Range;
  return !!r && typeof r === 'object' && typeof r.start?.line === 'number' && typeof r.end?.character === 'number';
}

export const fix: Fix['fix'] = (f: FixContext) => {
  const d = dataOf(f);
  if (typeof d.replace !== 'string' || DEDICATED.has(f.finding.code)) return undefined;
  const edits: TextEdit[] = [{ range: f.finding.range, newText: d.replace }];
  let extra = '';
  if (isRange(d.deleteRange)) {
    edits.push({ range: d.deleteRange, newText: '' });
    const removed = isRange(d.sizeRange) ? textOf(f, d.sizeRange) : undefined;
    extra = removed ? ` and remove '${removed}'` : ' and remove the folded field';
  }
  return [quickFix(`Replace with '${d.replace}'${extra}`, f, { [f.uri]: edits }, true)];
};

function textOf(f: FixContext, r: Range): string | undefined {
  if (r.start.line !== r.end.line) return undefined;
  const lines = f.file.text.split('\n', r.start.line + 1);
  return lines[r.start.line]?.slice(r.start.character, r.end.character);
}
