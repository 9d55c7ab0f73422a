// Helm charts on disk, for the hosts of the engine (the CLI and the language server): the engine asks whether a file
// with `{{` in it belongs to a chart's templates, where every `{{` is template syntax (engine/not-checked.ts).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True for a file under a Helm chart's `templates/` folder: a `templates` folder on its path whose parent folder holds
 * a Chart.yaml. (Helm renders every file there; its `{{` are template syntax even inside strings.)
 */
export function chartTemplate(uri: string): boolean {
  if (!uri.startsWith('file:')) return false;
  let dir = path.dirname(fileURLToPath(uri));
  for (;;) {
    if (path.basename(dir) === 'templates' && existsSync(path.join(path.dirname(dir), 'Chart.yaml'))) return true;
    const up = path.dirname(dir);
    if (up === dir) return false;
    dir = up;
  }
}
