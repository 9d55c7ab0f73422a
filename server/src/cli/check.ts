// brokerkit check <files or folders...> [--format text|json|sarif] [--ignore codes]
import { Workspace, Finding, compareFindings } from '../engine';
import { collectYamlFiles, readText, toUri } from './files';
import { parseArgs, flag, UsageError } from './usage';
import { summary, toJson, toSarif, toText } from './format';
import type { Command } from './commands';
import { loadClusterFacts } from './facts';

const command: Command = {
  name: 'check',
  summary: 'Validate YAML files (folders are searched for *.yaml/*.yml). --kubeconfig adds what runs in the cluster.',
  usage:
    'brokerkit check <files or folders...> [--format text|json|sarif] [--ignore code,code] [--namespace NS] [--no-builtins] [--max-file-size BYTES] [--kubeconfig FILE] [--context NAME]',
  async run(args) {
    const p = parseArgs(args, {
      values: ['format', 'ignore', 'namespace', 'max-file-size', 'kubeconfig', 'context', 'exclude'],
      booleans: ['no-builtins', 'quiet'],
    });
    const format = flag(p, 'format') ?? 'text';
    if (!['text', 'json', 'sarif'].includes(format))
      throw new UsageError(`--format must be text, json or sarif, not '${format}'`);
    if (p.positional.length === 0) throw new UsageError('name at least one file or folder to check');
    const ignore = (p.flags.get('ignore') ?? [])
      .flatMap((s) => s.split(','))
      .map((s) => s.trim())
      .filter(Boolean);
    const maxFileSize = flag(p, 'max-file-size');
    if (maxFileSize !== undefined && !/^\d+$/.test(maxFileSize))
      throw new UsageError('--max-file-size takes a number of bytes');
    const ws = new Workspace({
      ignore,
      defaultNamespace: flag(p, 'namespace') ?? 'azure-iot-operations',
      assumeBuiltins: !p.flags.has('no-builtins'),
      ...(maxFileSize ? { maxFileSize: Number(maxFileSize) } : {}),
    });
    const files = await collectYamlFiles(
      p.positional,
      (p.flags.get('exclude') ?? []).flatMap((s) => s.split(',')),
    );
    for (const f of files) {
      let text: string;
      try {
        text = await readText(f);
      } catch (e) {
        throw new Error(`cannot read '${f}': ${(e as Error).message}`, { cause: e });
      }
      ws.setFile(toUri(f), text);
    }
    const kubeconfig = flag(p, 'kubeconfig');
    if (kubeconfig) ws.setFacts(await loadClusterFacts(kubeconfig, flag(p, 'context')));
    const findings: Finding[] = [];
    for (const list of ws.validate().values()) findings.push(...list);
    findings.sort((a, b) => a.uri.localeCompare(b.uri) || compareFindings(a, b));
    const cwd = process.cwd();
    if (format === 'json') process.stdout.write(JSON.stringify(toJson(findings, cwd), null, 2) + '\n');
    else if (format === 'sarif') process.stdout.write(JSON.stringify(toSarif(findings, cwd, '0.1.0'), null, 2) + '\n');
    else {
      const text = toText(findings, cwd);
      if (text) process.stdout.write(text + '\n');
      if (!p.flags.has('quiet')) process.stderr.write(summary(findings, files.length) + '\n');
    }
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};
export default command;
