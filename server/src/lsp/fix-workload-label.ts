// workload-identity-label: put `azure.workload.identity/use: "true"` on the pod template, moving it
// from the workload's own metadata when it sits there (data: { labelsPath, moveFrom? }, workload-identity-label.ts).
import type { TextEdit } from 'vscode-languageserver';
import type { Fix } from './fix-util';
import { dataOf, quickFix } from './fix-util';
import { addKey, removeKey } from './yaml-edit';
import { nodeAtPath } from './yaml-nav';
import { isMap, YAMLMap } from 'yaml';

const LABEL = 'azure.workload.identity/use';

export const fix: Fix['fix'] = (f) => {
  if (f.finding.code !== 'workload-identity-label') return undefined;
  const d = dataOf(f);
  if (!Array.isArray(d.labelsPath) || typeof d.replace === 'string') return undefined; // the boolean case is the generic replace
  const labelsPath = d.labelsPath as (string | number)[];
  const edits: TextEdit[] = [];
  const add = addKey(f.chunk, labelsPath, LABEL, 'true');
  if (!add) return undefined;
  edits.push(add);
  let title = 'Add the workload-identity label to the pod template';
  if (Array.isArray(d.moveFrom)) {
    const from = d.moveFrom as (string | number)[];
    const labels = nodeAtPath(f.chunk, from.slice(0, -1));
    // The only label: remove the whole `labels:` key rather than leave an empty mapping.
    const only = labels && isMap(labels) && (labels as YAMLMap).items.length === 1;
    const rm = removeKey(f.chunk, only ? from.slice(0, -1) : from);
    if (!rm) return undefined;
    edits.push(rm);
    title = 'Move the workload-identity label to the pod template';
  }
  return [quickFix(title, f, { [f.uri]: edits }, true)];
};
