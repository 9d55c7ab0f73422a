// Generates the README's rule table from the rule registry (the registry is the source of truth).
// `npm run docs` rewrites the table; test/unit/readme.test.ts fails when README and registry drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { allRules, engineCodes, sourceLabel } from '../../server/src/engine';
import { rulePageRelative } from '../../server/src/rule-docs';

export const START = '<!-- rules:start -->';
export const END = '<!-- rules:end -->';

export function rulesTable(): string {
  const rows = [...engineCodes, ...allRules]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((r) => {
      const sources = r.sources.map((u) => `[${sourceLabel(u)}](${u})`).join(', ');
      const title = r.title.replace(/\|/g, '\\|');
      return `| <a id="rule-${r.code}"></a>[\`${r.code}\`](${rulePageRelative(r.code)}) | ${r.severity} | ${title} | ${sources} |`;
    });
  return [
    START,
    '| code | default severity | what it finds | public sources |',
    '|---|---|---|---|',
    ...rows,
    END,
  ].join('\n');
}

export function withTable(readme: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README has no rules:start / rules:end markers');
  return readme.slice(0, a) + rulesTable() + readme.slice(b + END.length);
}

if (require.main === module) {
  const readme = readFileSync('README.md', 'utf8');
  writeFileSync('README.md', withTable(readme));
  console.log('README rule table updated.');
}
