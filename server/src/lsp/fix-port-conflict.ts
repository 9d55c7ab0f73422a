// port-conflict: change the clashing port to the next free one of the broker (data: { port, suggestion }, computed by
// the rule over every listener of the broker, the built-in default listener's 18883 included).
import type { Fix } from './fix-util';
import { dataOf, quickFix } from './fix-util';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'port-conflict') return undefined;
  const d = dataOf(f);
  if (typeof d.suggestion !== 'number') return undefined;
  return [
    quickFix(
      `Use the next free port ${d.suggestion}`,
      f,
      { [f.uri]: [{ range: f.finding.range, newText: String(d.suggestion) }] },
      true,
    ),
  ];
};
