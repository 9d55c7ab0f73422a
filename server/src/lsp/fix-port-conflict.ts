// port-conflict: change the clashing port to the next free one of the broker (data: { port, suggestion }, computed by
// the rule over every listener of the broker, the built-in default listener's 18883 included), here or at the other
// end: the same free port for the clashing port of another listener in the workspace (its related location), whose
// file may not be open (it then opens with the change unsaved, see code-actions.ts).
import type { CodeAction } from 'vscode-languageserver';
import type { Fix } from './fix-util';
import { dataOf, quickFix } from './fix-util';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'port-conflict') return undefined;
  const d = dataOf(f);
  if (typeof d.suggestion !== 'number') return undefined;
  const out: CodeAction[] = [
    quickFix(
      `Use the next free port ${d.suggestion}`,
      f,
      { [f.uri]: [{ range: f.finding.range, newText: String(d.suggestion) }] },
      true,
    ),
  ];
  for (const r of f.finding.related) {
    if (!r.uri || !r.range || r.live || r.uri === f.uri) continue;
    out.push(
      quickFix(`Use the next free port ${d.suggestion} for ${r.message} instead`, f, {
        [r.uri]: [{ range: r.range, newText: String(d.suggestion) }],
      }),
    );
  }
  return out;
};
