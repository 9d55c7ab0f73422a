// What npm test installs first (scripts/install-system-deps.sh): with the packages there it does nothing, for any
// user; a package that is missing, for a user who is not root, stops it with the one command to run. (As root it
// installs them with apt: what every fresh CI machine does.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/corpus';
import { tempDir } from '../helpers/temp';

// The user nobody may not be able to read the checkout (a clone inside a 0700 folder): it runs a copy in a folder
// everyone can read.
const copyDir = tempDir('brokerkit-deps-');
chmodSync(copyDir, 0o755);
const script = join(copyDir, 'install-system-deps.sh');
copyFileSync(join(ROOT, 'scripts', 'install-system-deps.sh'), script);
chmodSync(script, 0o755);
after(() => rmSync(copyDir, { recursive: true, force: true }));
/** Runs the script as the unprivileged user nobody (setpriv, from util-linux). */
const asNobody = (...args: string[]) =>
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', script, ...args], {
    encoding: 'utf8',
    cwd: copyDir,
    env: { PATH: process.env.PATH },
  });

test('packages that are installed: nothing to do, exit 0, even without root', () => {
  const r = asNobody('bash', 'coreutils');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout + r.stderr, '');
});

test('a missing package without root: exit 1 and the one command to run', () => {
  const r = asNobody('openssl', 'brokerkit-no-such-package');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /not installed: brokerkit-no-such-package\n/);
  const commands = r.stderr.split('\n').filter((l) => /apt-get/.test(l));
  assert.deepEqual(commands, [
    "  sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y brokerkit-no-such-package'",
  ]);
});
