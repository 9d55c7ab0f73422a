// How far V8 lets the language server's heap grow past what it holds before collecting. By default the old generation
// may grow to about four times the live data before a full collection; a server that replaces a few thousand finding
// objects on every keystroke in a crowded namespace then sits at several hundred MB of mostly garbage. At 50% growth
// the heap stays within 1.5 times what is live, for a few more (short, incremental) collections.
//
// The limit is set when the client initializes, before anything is read. V8 applies a new growth setting only when a
// full collection computes the next limit, and after a load that collection may not come until the heap is four times
// what is live: with the limit set at the first edit (as it was), a crowded 5,000-document session ended at 498 MB
// instead of 291 MB once the parse trees got smaller and the load no longer happened to end in a full collection. Set
// from the start it cost no time that bench:lsp could tell from noise (5,000-document open, 2,000-file workspace,
// 16 MiB file: two paired runs). Not while the bundle loads: V8's code cache records the flags it was made under, and
// boot.ts makes it right after the bundle ran, so a flag set then would make every later start reject the cache.
import { setFlagsFromString } from 'node:v8';

const HEAP_GROWING_PERCENT = 50;

let set = false;

/** Limits heap growth from now on (once per process). */
export function keepHeapSmall(): void {
  if (set) return;
  set = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
