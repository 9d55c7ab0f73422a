// A tiny test runner for code that runs INSIDE VS Code's extension host (loaded through extensionTestsPath, see
// harness.ts runExtensionTests). A test module registers tests with `test()` and exports `run = runAll`.
// Results go to the file named by BROKERKIT_EXTHOST_RESULTS (the harness reads it) and to the console.
import { writeFileSync } from 'node:fs';

type Fn = () => void | Promise<void>;
const tests: { name: string; fn: Fn }[] = [];

export function test(name: string, fn: Fn): void {
  tests.push({ name, fn });
}

export async function runAll(): Promise<void> {
  const results: { name: string; ok: boolean; error?: string; ms: number }[] = [];
  for (const t of tests) {
    const start = Date.now();
    try {
      await t.fn();
      results.push({ name: t.name, ok: true, ms: Date.now() - start });
      console.log(`ok - ${t.name}`);
    } catch (e) {
      const error = (e as Error)?.stack ?? String(e);
      results.push({ name: t.name, ok: false, error, ms: Date.now() - start });
      console.log(`not ok - ${t.name}\n${error}`);
    }
  }
  if (process.env.BROKERKIT_EXTHOST_RESULTS)
    writeFileSync(process.env.BROKERKIT_EXTHOST_RESULTS, JSON.stringify(results, null, 2));
  const failed = results.filter((r) => !r.ok).length;
  if (failed) throw new Error(`${failed} of ${results.length} extension-host tests failed`);
}

/** Resolves with the first value `probe` returns that is not undefined, re-checking whenever `event` fires. */
export function when<T>(
  event: (listener: () => void) => { dispose(): void },
  probe: () => T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const first = probe();
    if (first !== undefined) {
      resolve(first);
      return;
    }
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = event(() => {
      const v = probe();
      if (v !== undefined) {
        clearTimeout(timer);
        sub.dispose();
        resolve(v);
      }
    });
  });
}
