// brokerkit check <files or folders... | -> [--format text|json|sarif] [--ignore codes] [--workspace DIR]
// --workspace DIR: the named files are checked as part of DIR, as the editor checks a file of its workspace folder:
// every YAML file of DIR is read too (what the named files refer to, what clashes with them, their kustomizations),
// and findings are reported for the named files only. The pre-commit hook runs it on the staged files.
// Every file named or found is either checked or reported as not checked (not-checked.ts): a binary, a Helm template,
// a file over the size limit (never read) each get a note, and the summary counts them.
import {
  Workspace,
  Finding,
  compareFindings,
  notCheckedReason,
  NOT_CHECKED,
  describeTargets,
  folderTargeting,
} from '../engine';
import { resolve } from 'node:path';
import { STDIN_URI, collectYamlFiles, readStdin, readText, rootUri, sizeOf, toUri } from './files';
import { chartTemplate } from '../charts';
import { parseArgs, flag, UsageError } from './usage';
import { summary, toJson, toSarif, toText } from './format';
import type { Command } from './commands';
import { loadClusterFacts } from './facts';

const command: Command = {
  name: 'check',
  summary:
    'Validate YAML files (folders are searched for *.yaml/*.yml; - reads standard input). --kubeconfig compares the deployments that run in the cluster (or the --cluster-target folders) with what runs there.',
  usage:
    'brokerkit check <files or folders... | -> [--format text|json|sarif] [--ignore code,code] [--workspace DIR] [--one-deployment] [--namespace NS] [--no-builtins] [--max-file-size BYTES] [--kubeconfig FILE] [--context NAME] [--cluster-target DIR]',
  async run(args) {
    const p = parseArgs(args, {
      values: [
        'format',
        'ignore',
        'namespace',
        'max-file-size',
        'kubeconfig',
        'context',
        'exclude',
        'workspace',
        'cluster-target',
      ],
      booleans: ['no-builtins', 'quiet', 'one-deployment'],
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
      chartTemplate,
      // Every file outside a kustomization applied at once, whatever its folder or argument.
      deployments: p.flags.has('one-deployment') ? 'workspace' : 'folder',
    });
    const limit = ws.getOptions().maxFileSize;
    const stdin = p.positional.includes('-');
    if (stdin && p.positional.filter((x) => x === '-').length > 1)
      throw new UsageError('standard input (-) can be named once');
    const exclude = (p.flags.get('exclude') ?? []).flatMap((s) => s.split(','));
    const files = await collectYamlFiles(
      p.positional.filter((x) => x !== '-'),
      exclude,
    );
    const workspace = flag(p, 'workspace');
    const reported = workspace ? new Set(files.map(toUri)) : undefined;
    if (reported && stdin) reported.add(STDIN_URI);
    if (workspace)
      files.push(...(await collectYamlFiles([workspace], exclude)).filter((f) => !reported!.has(toUri(f))));
    // Each argument is a root of its own: files of two arguments are one deployment only where a file ties them.
    // With --workspace, the files are checked as the editor checks that folder: it is the one root.
    ws.setRoots(workspace ? [rootUri(workspace)] : p.positional.filter((x) => x !== '-').map((x) => rootUri(x)));
    if (stdin) ws.setRoots([...ws.getRoots(), STDIN_URI]);
    for (const f of files) {
      try {
        // A file over the limit is not read at all (it may be far larger than memory): it is noted as not checked.
        const bytes = await sizeOf(f);
        if (bytes > limit) ws.setFileTooLarge(toUri(f), bytes);
        else ws.setFile(toUri(f), await readText(f));
      } catch (e) {
        throw new Error(`cannot read '${f}': ${(e as Error).message}`, { cause: e });
      }
    }
    if (stdin) {
      const text = await readStdin(limit);
      if (typeof text === 'number') ws.setFileTooLarge(STDIN_URI, text);
      else ws.setFile(STDIN_URI, text);
    }
    const kubeconfig = flag(p, 'kubeconfig');
    const targets = p.flags.get('cluster-target') ?? [];
    if (targets.length && !kubeconfig) throw new UsageError('--cluster-target needs --kubeconfig');
    if (kubeconfig) {
      const facts = await loadClusterFacts(kubeconfig, flag(p, 'context'));
      ws.setFacts(facts);
      // Deployments with an object that runs in the cluster are compared with it; --cluster-target adds folders.
      ws.setClusterTargeting(
        folderTargeting(
          targets.map((t) => ({
            folder: toUri(resolve(t)),
            compare: true,
            reason: 'setting',
            detail: `--cluster-target ${t}`,
          })),
        ),
      );
      if (!p.flags.has('quiet') && format === 'text')
        process.stderr.write(describeTargets(ws.clusterTargets(), facts.source ?? 'cluster') + '\n');
    }
    const findings: Finding[] = [];
    for (const [uri, list] of ws.validate()) if (!reported || reported.has(uri)) findings.push(...list);
    findings.sort((a, b) => a.uri.localeCompare(b.uri) || compareFindings(a, b));
    const cwd = process.cwd();
    if (format === 'json') process.stdout.write(JSON.stringify(toJson(findings, cwd), null, 2) + '\n');
    else if (format === 'sarif') process.stdout.write(JSON.stringify(toSarif(findings, cwd, '0.1.0'), null, 2) + '\n');
    else {
      const text = toText(findings, cwd);
      if (text) process.stdout.write(text + '\n');
      if (!p.flags.has('quiet')) {
        // Reasons in one fixed order (size, binary, template, depth), whatever the order of the files.
        const order = Object.keys(NOT_CHECKED) as (keyof typeof NOT_CHECKED)[];
        const uris = ws.uris().filter((u) => !reported || reported.has(u));
        const reasons = uris
          .map((uri) => notCheckedReason(ws.getFile(uri)!))
          .filter((r) => r !== undefined)
          .sort((a, b) => order.indexOf(a) - order.indexOf(b));
        const notChecked = reasons.map((r) => NOT_CHECKED[r]);
        process.stderr.write(summary(findings, uris.length, notChecked) + '\n');
        // What was not compared: files taken as alternatives (a folder applied whole would pair them).
        const seenWhy = new Set<string>();
        for (const d of ws.deployments()) {
          if (!d.alternativeWhy || seenWhy.has(d.alternativeWhy)) continue;
          seenWhy.add(d.alternativeWhy);
          const folder = d.baseLabel ?? d.label;
          process.stderr.write(
            `note: ${folder}: ${d.alternativeWhy}: checked as alternatives, not with each other (list them in a kustomization, or use --one-deployment, to check them together)\n`,
          );
        }
      }
    }
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};
export default command;
