// Label and field selectors as the API server parses them (k8s.io/apimachinery labels and fields packages):
// label: `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`; field: `path=v`, `path==v`, `path!=v`.

export type Matcher = (obj: any) => boolean;

export class SelectorError extends Error {}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function parseLabelSelector(s: string | null | undefined): Matcher {
  if (!s) return () => true;
  const reqs: Matcher[] = [];
  for (const part of splitTop(s)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([^\s=!(),]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m;
      const values = new Set(list.split(',').map((x) => x.trim()));
      reqs.push(
        op === 'in'
          ? (o) => {
              const v = o?.metadata?.labels?.[key];
              return v !== undefined && values.has(v);
            }
          : (o) => {
              const v = o?.metadata?.labels?.[key];
              return v === undefined || !values.has(v);
            },
      );
    } else if ((m = part.match(/^([^\s=!(),]+)\s*(==|=|!=)\s*([^\s=!(),]*)$/))) {
      const [, key, op, value] = m;
      reqs.push(
        op === '!=' ? (o) => o?.metadata?.labels?.[key] !== value : (o) => o?.metadata?.labels?.[key] === value,
      );
    } else if ((m = part.match(/^!([^\s=!(),]+)$/))) {
      const key = m[1];
      reqs.push((o) => o?.metadata?.labels?.[key] === undefined);
    } else if ((m = part.match(/^([^\s=!(),]+)$/))) {
      const key = m[1];
      reqs.push((o) => o?.metadata?.labels?.[key] !== undefined);
    } else {
      throw new SelectorError(`unable to parse requirement: ${JSON.stringify(part)}`);
    }
  }
  return (o) => reqs.every((r) => r(o));
}

function fieldValue(obj: any, path: string): string {
  let cur = obj;
  for (const seg of path.split('.')) cur = cur == null ? undefined : cur[seg];
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function parseFieldSelector(s: string | null | undefined): Matcher {
  if (!s) return () => true;
  const reqs: Matcher[] = [];
  for (const part of splitTop(s)) {
    const m = part.match(/^([A-Za-z0-9_.-]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const [, path, op, value] = m;
    reqs.push(op === '!=' ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value);
  }
  return (o) => reqs.every((r) => r(o));
}
