// Material vendored into the repository for the tests: the real-world manifests (test/fixtures/real-world, with
// SOURCES.md) and the CRDs the schemas are generated from (schemas/crds, with SOURCES.md).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root: tests run from out/test/<suite>/, two levels below out/. */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const CORPUS = join(ROOT, 'test', 'fixtures', 'real-world');
export const CRDS = join(ROOT, 'schemas', 'crds');

export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/i.test(n)) out.push(p);
  }
  return out;
}

export function corpusFiles(): { path: string; text: string }[] {
  if (!existsSync(CORPUS)) throw new Error(`the real-world corpus is missing: ${CORPUS}`);
  return yamlFiles(CORPUS).map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
}
