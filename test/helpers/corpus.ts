// The real-world corpus beside the repo (../shared/corpus/real-world) and the bundled examples.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const SHARED = resolve(process.env.BROKERKIT_SHARED ?? join(process.cwd(), '..', 'shared'));
export const CORPUS = join(SHARED, 'corpus', 'real-world');

export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/i.test(n)) out.push(p);
  }
  return out;
}

export function corpusFiles(): { path: string; text: string }[] {
  return yamlFiles(CORPUS).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}
