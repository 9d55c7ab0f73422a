// "Open live object …": a finding that compares with an object in the connected cluster opens that object read-only
// in the client (only for clients with live-object documents: the VS Code extension's brokerkit.cluster.openLive).
import { CodeAction, CodeActionKind } from 'vscode-languageserver';
import { hasLiveDocuments } from './diagnostics';
import type { FixContext } from './fix-util';

export function fix(f: FixContext): CodeAction[] | undefined {
  if (!hasLiveDocuments()) return undefined;
  const out: CodeAction[] = [];
  const seen = new Set<string>();
  for (const r of f.finding.related) {
    if (!r.live) continue;
    const key = JSON.stringify(r.live);
    if (seen.has(key)) continue;
    seen.add(key);
    const where = r.live.namespace ? `${r.live.namespace}/` : '';
    out.push({
      title: `Open live object ${r.live.kind} ${where}${r.live.name} (read-only)`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [f.diagnostic],
      command: { title: 'Open Live Object', command: 'brokerkit.cluster.openLive', arguments: [{ ref: r.live }] },
    });
  }
  return out;
}
