// dist/server.js starts the server through V8's code cache (server/src/lsp/boot.ts): the first start writes the cache
// in the user's cache folder, later starts use it, old entries are pruned, and a corrupt or unwritable cache never
// stops the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TempWorkspace, listener, startServer } from '../helpers/lsp-fixtures';
import { tempDir } from '../helpers/temp';

async function startAndCheck(env: NodeJS.ProcessEnv, ws: TempWorkspace): Promise<void> {
  const client = await startServer({ rootPath: ws.root, env: { ...process.env, ...env } });
  try {
    // Not just alive: the server proper runs (it indexes and publishes a real finding).
    const p = await client.diagnosticsFor(ws.uri('a.yaml'), (x) =>
      x.diagnostics.some((d) => d.code === 'port-conflict'),
    );
    assert.ok(p.diagnostics.length > 0);
  } finally {
    assert.equal(await client.shutdown(), 0);
  }
}

test('the code cache is written on the first start, reused, pruned to the newest entries, and a corrupt or unwritable one is harmless', async () => {
  const home = tempDir('brokerkit-cache-');
  const ws = new TempWorkspace({ 'a.yaml': listener('clash', { type: 'NodePort', ports: [18883] }) });
  try {
    const env = { XDG_CACHE_HOME: home };
    const dir = join(home, 'brokerkit', 'code-cache');
    await startAndCheck(env, ws);
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    assert.equal(files.length, 1, `cache files: ${readdirSync(dir).join(', ')}`);
    const bin = join(dir, files[0]);
    const first = statSync(bin);
    assert.ok(first.size > 100_000, `cache of ${first.size} bytes`);

    // A start from the cache leaves it as it is (nothing rejected, nothing rewritten).
    await startAndCheck(env, ws);
    assert.equal(statSync(bin).mtimeMs, first.mtimeMs);

    // A corrupt cache is rejected by V8 and replaced.
    writeFileSync(bin, Buffer.alloc(first.size, 7));
    await startAndCheck(env, ws);
    assert.notDeepEqual(readFileSync(bin).subarray(0, 64), Buffer.alloc(64, 7));

    // Entries of other bundles (older versions, earlier builds): a new entry keeps only the most recent three in all.
    const stale = ['server-00000001.bin', 'server-00000002.bin', 'server-00000003.bin', 'server-00000004.bin'];
    stale.forEach((f, i) => {
      writeFileSync(join(dir, f), 'old');
      utimesSync(join(dir, f), 1000 + i, 1000 + i);
    });
    writeFileSync(join(dir, 'notes.txt'), 'not ours');
    rmSync(bin); // this bundle's entry is written anew on the next start
    await startAndCheck(env, ws);
    assert.deepEqual(
      readdirSync(dir).sort(),
      [files[0], 'notes.txt', 'server-00000003.bin', 'server-00000004.bin'].sort(),
    );

    // A cache folder that cannot be made: the server starts all the same.
    const blocked = join(home, 'not-a-folder');
    writeFileSync(blocked, 'x');
    await startAndCheck({ XDG_CACHE_HOME: blocked }, ws);
    // And turned off.
    await startAndCheck({ BROKERKIT_NO_CODE_CACHE: '1', XDG_CACHE_HOME: join(home, 'off') }, ws);
    assert.throws(() => readdirSync(join(home, 'off')));
  } finally {
    ws.dispose();
    rmSync(home, { recursive: true, force: true });
  }
});
