// Hover on a rule code in a `# brokerkit-ignore <code>` comment: what the rule checks, its default severity, its page
// (docs/rules/<code>.md, a local file) and the public pages it rests on.
import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import { allRules, engineCodes, sourceLabel } from '../engine';
import { rulePageUrl } from '../rule-docs';

const IGNORE = /#\s*brokerkit-ignore\b/;
const CODE = /[A-Za-z0-9_-]+/g;

/** The text of line `line` (0-based) of `text`, without its line break. */
function lineOf(text: string, line: number): string | undefined {
  let start = 0;
  for (let i = 0; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}

export function ruleHover(text: string, pos: Position): Hover | null {
  if (!text.includes('brokerkit-ignore')) return null;
  const line = lineOf(text, pos.line);
  if (line === undefined) return null;
  const m = IGNORE.exec(line);
  if (!m) return null;
  const after = m.index + m[0].length;
  for (const w of line.slice(after).matchAll(CODE)) {
    const start = after + w.index!;
    const end = start + w[0].length;
    if (pos.character < start || pos.character > end) continue;
    const meta = [...engineCodes, ...allRules].find((r) => r.code === w[0]);
    if (!meta) return null;
    const sources = meta.sources.map((u) => `[${sourceLabel(u)}](${u})`).join(' · ');
    return {
      contents: {
        kind: MarkupKind.Markdown,
        value: [
          `**${meta.code}** (default severity: ${meta.severity})`,
          '',
          meta.title,
          '',
          `[Rule page](${rulePageUrl(meta.code)}) · ${sources}`,
        ].join('\n'),
      },
      range: { start: { line: pos.line, character: start }, end: { line: pos.line, character: end } },
    };
  }
  return null;
}
