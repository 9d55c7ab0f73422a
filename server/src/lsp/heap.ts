// How far V8 lets the language server's heap grow past what it holds before collecting. By default the old generation
// may grow to about four times the live data before a full collection; a server that replaces a few thousand finding
// objects on every keystroke in a crowded namespace then sits at several hundred MB of mostly garbage. At 50% growth
// the heap stays within 1.5 times what is live, for a few more (short, incremental) collections.
import { setFlagsFromString } from 'node:v8';

export const HEAP_GROWING_PERCENT = 50;

/** Limits heap growth. Called first thing in a server process: V8 flags set later than code compilation change the
 * flag hash that cached code is checked against (boot.ts), and the code cache would be rejected. */
export function keepHeapSmall(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
