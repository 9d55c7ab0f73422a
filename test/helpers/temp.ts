// The one way tests make folders on disk: a fresh folder under the system temp dir (mode 0700, as mkdtemp makes it),
// removed when the test process exits (set BROKERKIT_KEEP_TEMP=1 to keep them for a look after a failure), and
// files written into it by relative name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];
let hooked = false;

function removeAll(): void {
  if (process.env.BROKERKIT_KEEP_TEMP) return;
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A folder a child process still writes to, or one a test made unreadable: leave it to the OS.
    }
  }
}

/** A new empty folder, `<tmp>/<prefix>XXXXXX`, or `<parent>/<prefix>XXXXXX` when a parent is given. */
export function tempDir(prefix = 'brokerkit-', parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
  }
  return dir;
}

/** Writes each file (name relative to `root`, folders made as needed); returns `root`. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): string {
  for (const [name, text] of Object.entries(files)) {
    const p = join(root, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}
