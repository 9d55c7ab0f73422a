// Where each rule code is documented: docs/rules/<code>.md, one page per code, shipped in the repository, the npm
// package and the .vsix, so a link to it works offline. Used by the language server (the diagnostic's code link), the
// CLI (`brokerkit explain`, SARIF `help`) and the README rule table. Reads the file system: not part of the engine.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The project's public home; SARIF results link the rule pages there (a SARIF file travels without the package). */
export const PROJECT_URL = 'https://github.com/brokerkit/brokerkit';

/** The page's path inside the package. */
export function rulePageRelative(code: string): string {
  return `docs/rules/${code}.md`;
}

/** The rule page on the project's public home. */
export function rulePageWebUrl(code: string): string {
  return `${PROJECT_URL}/blob/main/${rulePageRelative(code)}`;
}

let root: string | null | undefined;

/**
 * The folder that holds BrokerKit's package.json (the repository, the installed npm package or the extension), found
 * by walking up from this module: bundles live in dist/, the test transpile in out/server/src/.
 */
export function packageRoot(): string | undefined {
  if (root !== undefined) return root ?? undefined;
  root = null;
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'brokerkit') {
          root = dir;
          break;
        }
      } catch {
        /* not ours: keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return root ?? undefined;
}

/** The page's absolute path, when the page is there. */
export function rulePagePath(code: string): string | undefined {
  const base = packageRoot();
  if (!base || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(code)) return undefined;
  const p = join(base, rulePageRelative(code));
  return existsSync(p) ? p : undefined;
}

const urls = new Map<string, string>();

/** A link to the page that works offline: the local file when it is there, else the page on the project's home. */
export function rulePageUrl(code: string): string {
  let u = urls.get(code);
  if (u === undefined) {
    const p = rulePagePath(code);
    u = p ? pathToFileURL(p).href : rulePageWebUrl(code);
    urls.set(code, u);
  }
  return u;
}

/** The page's Markdown, when it is there. */
export function rulePageText(code: string): string | undefined {
  const p = rulePagePath(code);
  if (!p) return undefined;
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}
