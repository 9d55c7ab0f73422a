// A clean copy of the repository for the packaging tests: the files git tracks or would track (the working tree's
// version of each, so uncommitted work is tested too), in a new git repository of one commit, in a temp folder.
// The published package, the pre-commit hook and the GitHub Action are built from exactly this, as from a fresh clone.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './corpus';
import { tempDir } from './temp';

export interface CleanCopy {
  dir: string;
  dispose(): void;
}

/** `git` with a fixed identity, so that committing works on a machine with no git configuration. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=BrokerKit tests', '-c', 'user.email=tests@brokerkit.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The repository's files in a new one-commit git repository; `nodeModules` links the repository's node_modules. */
export function cleanCopy({ nodeModules = false } = {}): CleanCopy {
  const dir = tempDir('brokerkit-clean-');
  const files = git(ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(ROOT, f), join(dir, f));
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'clean copy');
  if (nodeModules) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
