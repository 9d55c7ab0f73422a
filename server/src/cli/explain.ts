// brokerkit explain [code] [--json]: what a rule checks, why, an example and its fix, and its public sources: the
// rule's page (docs/rules/<code>.md, shipped with the package). Without a code: every code with its title.
import { allRules, engineCodes, sourceLabel } from '../engine';
import type { RuleMeta } from '../engine/rule';
import { closestAllowed } from '../engine/spelling';
import { rulePagePath, rulePageText, rulePageWebUrl } from '../rule-docs';
import type { Command } from './commands';
import { UsageError, bool, parseArgs } from './usage';

function metas(): RuleMeta[] {
  return [...engineCodes, ...allRules].sort((a, b) => a.code.localeCompare(b.code));
}

function describe(m: RuleMeta) {
  return {
    code: m.code,
    severity: m.severity,
    title: m.title,
    sources: m.sources.map((url) => ({ label: sourceLabel(url), url })),
    page: rulePagePath(m.code) ?? null,
    url: rulePageWebUrl(m.code),
  };
}

const command: Command = {
  name: 'explain',
  summary: 'Show what a rule code checks, why it matters, an example and its fix, and the public sources.',
  usage: 'brokerkit explain [code] [--json]',
  async run(args) {
    const p = parseArgs(args, { values: [], booleans: ['json'] });
    if (p.positional.length > 1) throw new UsageError('name one rule code');
    const all = metas();
    const json = bool(p, 'json');
    if (p.positional.length === 0) {
      if (json) process.stdout.write(JSON.stringify(all.map(describe), null, 2) + '\n');
      else {
        const width = Math.max(...all.map((m) => m.code.length));
        for (const m of all) process.stdout.write(`${m.code.padEnd(width)}  ${m.severity.padEnd(7)}  ${m.title}\n`);
        process.stdout.write(`\nbrokerkit explain <code> shows a rule's page.\n`);
      }
      return 0;
    }
    const code = p.positional[0].trim();
    const meta = all.find((m) => m.code === code);
    if (!meta) {
      const near = closestAllowed(
        code,
        all.map((m) => m.code),
      );
      throw new UsageError(
        `'${code}' is not a rule code${near ? ` (did you mean '${near}'?)` : ''}; 'brokerkit explain' lists them all`,
      );
    }
    if (json) {
      process.stdout.write(JSON.stringify({ ...describe(meta), markdown: rulePageText(code) ?? null }, null, 2) + '\n');
      return 0;
    }
    const page = rulePageText(code);
    if (page) process.stdout.write(page.endsWith('\n') ? page : page + '\n');
    else {
      // The page did not ship (a partial install): what the registry knows.
      process.stdout.write(
        [
          `# ${meta.code}`,
          '',
          `Default severity: ${meta.severity}`,
          '',
          meta.title,
          '',
          'Sources:',
          ...meta.sources.map((u) => `- ${sourceLabel(u)}: ${u}`),
          '',
          `The full page: ${rulePageWebUrl(code)}`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  },
};
export default command;
