// Seed files for the test server: YAML or JSON, one object, a multi-document YAML stream, a list (`items`) or an array.
import { parseAllDocuments } from 'yaml';

export function parseSeed(text: string): any[] {
  const trimmed = text.trim();
  let values: unknown[];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) values = [JSON.parse(trimmed)];
  else
    values = parseAllDocuments(text).map((d) => {
      if (d.errors.length) throw new Error(d.errors[0].message);
      return d.toJSON();
    });
  const out: any[] = [];
  const add = (v: any) => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      v.forEach(add);
      return;
    }
    if (typeof v === 'object' && Array.isArray(v.items) && /List$/.test(String(v.kind ?? 'List'))) {
      v.items.forEach(add);
      return;
    }
    if (typeof v === 'object' && typeof v.kind === 'string' && typeof v.apiVersion === 'string') out.push(v);
    else throw new Error('a seed object needs apiVersion and kind');
  };
  values.forEach(add);
  return out;
}
