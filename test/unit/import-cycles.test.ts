// No import cycle in the extension client, the language server, the Kubernetes code, the engine or the dev broker,
// counting type-only imports too: each of these layers is read from the top down (extension.ts wires the client's
// parts, lsp/context.ts only describes the services, kube's diagnosis has its own input type, the dev broker's packet
// handlers see the connection and the broker through mqtt/context.ts). dpdm reads the real import graph.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { ROOT } from '../helpers/corpus';

const ENTRIES = [
  'client/src/extension.ts',
  'server/src/lsp/main.ts',
  'server/src/kube/index.ts',
  'server/src/cli/main.ts',
];
const CHECKED = /^(client\/src|server\/src\/(lsp|kube|engine|devbroker))\//;

test('no import cycle in client/, server/src/lsp, server/src/kube, server/src/engine and server/src/devbroker', async () => {
  const tree = await parseDependencyTree(
    ENTRIES.map((e) => join(ROOT, e)),
    { context: ROOT, tsconfig: join(ROOT, 'tsconfig.json'), transform: false, skipDynamicImports: false },
  );
  const files = Object.keys(tree);
  assert.ok(
    files.some((f) => f.startsWith('client/src/')) &&
      files.some((f) => f.startsWith('server/src/kube/')) &&
      files.some((f) => f.startsWith('server/src/devbroker/mqtt/handlers/')),
  );
  const cycles = parseCircular(tree).filter((c) => c.some((f) => CHECKED.test(f)));
  assert.deepEqual(
    cycles.map((c) => c.join(' -> ')),
    [],
  );
});
