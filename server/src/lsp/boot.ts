// Entry point of dist/server.js: loads the language server proper (dist/server-main.js) through V8's code cache.
// Compiling the 1.4 MB bundle is most of a cold start; with the cache every start after the first answers
// `initialize` sooner (bench/lsp.ts measures it). Node 20 has no module.enableCompileCache (node 22), and the
// v8-compile-cache package was measured here at ≈5 ms gain: it takes the cache before the module runs (so the functions
// compiled while starting are missing) and writes it only at a clean exit. This takes it right after the module ran.
// The cache lives in the user's cache folder (not a shared /tmp); a missing, stale or unwritable cache costs only speed.
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

const file = join(__dirname, 'server-main.js');
const source = readFileSync(file, 'utf8');
let cacheFile: string | undefined;
let cached: Buffer | undefined;
if (!process.env.BROKERKIT_NO_CODE_CACHE) {
  try {
    const st = statSync(file);
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'brokerkit', 'code-cache');
    // Keyed by the bundle (path, size, mtime) and the V8 build: a rebuilt bundle or another node gets its own entry.
    const key = `${file}|${st.size}|${st.mtimeMs}|${process.versions.v8}|${process.arch}`;
    cacheFile = join(dir, `server-${fnv(key)}.bin`);
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
}

const script = new Script((Module as unknown as { wrap(s: string): string }).wrap(source), {
  filename: file,
  cachedData: cached,
});
const main = script.runInThisContext() as (...args: unknown[]) => void;
const mod = new Module(file, module);
mod.filename = file;
main.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
mod.loaded = true;

if (cacheFile && (!cached || script.cachedDataRejected)) {
  try {
    const data = script.createCachedData();
    mkdirSync(dirname(cacheFile), { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, cacheFile); // atomic: a concurrent start reads the old file or the new one, never half of one
    prune(dirname(cacheFile));
  } catch {
    // read-only home, full disk: start without a cache next time too
  }
}

/**
 * A new entry is written once per bundle (an update, a rebuild): the entries of other bundles are kept only for the
 * KEEP most recently written (other installed versions may still start), so the folder does not grow by 800 KB per
 * update forever.
 */
function prune(dir: string): void {
  const KEEP = 3;
  const entries = readdirSync(dir)
    .filter((f) => /^server-[0-9a-f]{8}\.bin$/.test(f))
    .map((f) => {
      try {
        return { f, t: statSync(join(dir, f)).mtimeMs };
      } catch {
        return undefined; // removed meanwhile by another start
      }
    })
    .filter((e) => e !== undefined)
    .sort((a, b) => b.t - a.t);
  for (const e of entries.slice(KEEP)) {
    try {
      unlinkSync(join(dir, e.f));
    } catch {
      // removed meanwhile by another start
    }
  }
}

/** 32-bit FNV-1a of a short key, as 8 hex digits. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
