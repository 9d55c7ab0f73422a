// Where a rule code is documented: the README's rule table has one anchor per code, `#rule-<code>`.
// The README is addressed through the package's `homepage` when it has one, else as the file shipped beside the bundle
// (the extension folder and an npm install both contain README.md next to package.json).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let base: string | undefined;

export function ruleAnchor(code: string): string {
  return `rule-${code}`;
}

export function ruleDocUrl(code: string): string {
  if (base === undefined) base = findReadme();
  return `${base}#${ruleAnchor(code)}`;
}

function findReadme(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        const json = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string; homepage?: string };
        if (json.name === 'brokerkit') {
          if (typeof json.homepage === 'string' && /^https?:\/\//.test(json.homepage))
            return json.homepage.replace(/#.*$/, '');
          return pathToFileURL(join(dir, 'README.md')).href;
        }
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return pathToFileURL(join(__dirname, '..', 'README.md')).href;
}
