// Any finding: silence it where it stands with `# brokerkit-ignore <code>` on the line above (same indentation as the
// finding's line); an existing ignore comment there gets the code added.
import type { Fix } from './fix-util';
import { quickFix } from './fix-util';
import { chunkLine } from './yaml-nav';

export const fix: Fix['fix'] = (f) => {
  const { code, range } = f.finding;
  if (code === 'yaml-syntax' || code === 'file-too-large') return undefined;
  const line = range.start.line;
  const text = chunkLine(f.chunk, line);
  const indent = /^ */.exec(text)![0];
  const above = line > f.chunk.startLine ? chunkLine(f.chunk, line - 1) : '';
  const m = /^(\s*)#\s*brokerkit-ignore\b(.*)$/.exec(above);
  if (m && m[2].trim() !== '') {
    return [
      quickFix(`Ignore ${code} here`, f, {
        [f.uri]: [
          {
            range: {
              start: { line: line - 1, character: above.length },
              end: { line: line - 1, character: above.length },
            },
            newText: `, ${code}`,
          },
        ],
      }),
    ];
  }
  return [
    quickFix(`Ignore ${code} here`, f, {
      [f.uri]: [
        {
          range: { start: { line, character: 0 }, end: { line, character: 0 } },
          newText: `${indent}# brokerkit-ignore ${code}\n`,
        },
      ],
    }),
  ];
};
